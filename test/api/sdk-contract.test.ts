import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSdkContract, SDK_CONTRACT_FILE } from '../../scripts/sdk-contract.js';

describe('the SDK’s answer shapes and status codes', () => {
  it('are what `npm run sdk-types` renders from the route schemas (run it after changing src/contract or the codes)', () => {
    expect(fs.readFileSync(SDK_CONTRACT_FILE, 'utf8')).toBe(renderSdkContract());
  });
});
