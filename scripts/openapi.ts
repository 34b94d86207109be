// `npm run openapi`: writes the OpenAPI document the server serves at /openapi.json to docs/openapi.json
// (importable into Postman and other tools).
import fs from 'node:fs';
import { buildApp } from '../src/app.js';
import { defaultConfig } from '../src/config.js';
import { connect } from '../src/store/connect.js';

const store = await connect({ sqliteFile: ':memory:' });
const app = await buildApp({
  config: defaultConfig({ logLevel: 'silent', publicUrl: 'http://127.0.0.1:8080', rateLimit: null }),
  db: store.db,
});
await app.ready();
const out = new URL('../docs/openapi.json', import.meta.url);
fs.writeFileSync(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await store.db.destroy();
console.log(`wrote ${out.pathname}`);
