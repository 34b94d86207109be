import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

/** The endpoint names of NOTES.md's index (the specification's 33). */
function indexedEndpoints(): string[] {
  const notes = fs.readFileSync(new URL('../../../shared/spec/NOTES.md', import.meta.url), 'utf8');
  return [...notes.matchAll(/^\| [23]\.\d+ \| (\w+) \|/gm)].map((m) => m[1]!);
}

describe('the endpoint index', () => {
  it('has every one of the 33 endpoints answering, on GET and POST', async () => {
    const names = indexedEndpoints();
    expect(names).toHaveLength(33);
    for (const name of names) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await t.app.inject({ method, url: `/openapi/v2/${name}` });
        expect(res.statusCode, `${method} ${name}`).toBe(200);
        expect(res.json(), name).toMatchObject({ status: 109 });
      }
    }
  });
});
