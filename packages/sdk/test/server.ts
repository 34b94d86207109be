import type { SiteRow } from '../../../src/store/database.js';
import { buildTestApp, type TestApp } from '../../../test/helper.js';
import { HuiguanClient } from '../src/index.js';

/** A real server on a free port, with a database of its own (SQLite, or PostgreSQL with DATABASE_URL). */
export interface SdkTestServer {
  t: TestApp;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** A new site (100 parties) and a client signed for it. */
  siteClient(options?: { totalNumParties?: number }): Promise<{ site: SiteRow; client: HuiguanClient }>;
  close(): Promise<void>;
}

export async function startServer(): Promise<SdkTestServer> {
  const t = await buildTestApp({ realClock: true });
  const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    t,
    url,
    siteClient: async (options = {}) => {
      const site = await t.site(options);
      return { site, client: new HuiguanClient({ baseUrl: url, siteSign: site.site_sign, apiKey: site.api_key }) };
    },
    close: () => t.close(),
  };
}

const MINUTE = 60_000;

/** A `Date` `minutes` from now, on a whole minute (the document's times have no milliseconds). */
export function minutesFromNow(minutes: number): Date {
  return new Date(Math.ceil((Date.now() + minutes * MINUTE) / MINUTE) * MINUTE);
}
