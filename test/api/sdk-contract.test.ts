import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSdkContract, SDK_CONTRACT_FILE } from '../../scripts/sdk-contract.js';

// The rendering builds the app (on an in-memory database) to read its routes' parameter schemas: in a hook, whose
// time limit is the wider one on a busy machine.
let rendered: string;
beforeAll(async () => {
  rendered = await renderSdkContract();
});

describe('the SDK’s answer shapes, status codes and parameters (packages/sdk/src/contract.generated.ts)', () => {
  it('are what `npm run sdk-types` renders from the route schemas (run it after changing a route’s params, src/contract or the codes)', () => {
    expect(fs.readFileSync(SDK_CONTRACT_FILE, 'utf8')).toBe(rendered);
  });

  it('give the parameters of every endpoint, without the authentication ones the SDK’s transport adds', () => {
    const wire = rendered.slice(rendered.indexOf('export interface WireParams {'));
    for (const endpoint of ['confReservation', 'createOrUpdateUser', '"/media/v1/events"', '"/webhooks/v1/events"'])
      expect(wire).toContain(`\n  ${endpoint}: `);
    expect(wire).toContain('    userId: string;\n');
    expect(wire).not.toMatch(/\n {4}(token|timeStamp|siteSign)\??:/);
  });
});
