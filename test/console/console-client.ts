import type { FastifyInstance, InjectOptions } from 'fastify';
import { addConsoleAccount } from '../../src/domain/console-accounts.js';
import type { ConsoleRole } from '../../src/store/console-tables.js';
import type { SiteRow } from '../../src/store/database.js';
import type { TestApp } from '../helper.js';

/** The password every test account gets. */
export const PASSWORD = 'correct horse battery staple';

/** A console answer: HTTP status, body, and the session cookie it set (if any). */
export interface ConsoleAnswer {
  status: number;
  body: any;
  headers: Record<string, unknown>;
  /** `huiguan_console=<id>` from Set-Cookie; '' when it cleared the cookie; undefined when none was set. */
  cookie: string | undefined;
}

/** One browser of the console: keeps its cookie and CSRF token like the page does. */
export class ConsoleBrowser {
  cookie = '';
  csrf = '';

  constructor(
    readonly app: FastifyInstance,
    readonly options: { remoteAddress?: string; origin?: string } = {},
  ) {}

  async send(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    extra: { csrf?: string | null; headers?: Record<string, string> } = {},
  ): Promise<ConsoleAnswer> {
    const headers: Record<string, string> = { ...extra.headers };
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = extra.csrf === undefined ? this.csrf : extra.csrf;
    if (method === 'POST' && csrf) headers['x-csrf-token'] = csrf;
    if (method === 'POST' && this.options.origin) headers.origin = this.options.origin;
    const request: InjectOptions = { method, url, headers };
    if (body !== undefined) request.payload = body as InjectOptions['payload'];
    if (this.options.remoteAddress) request.remoteAddress = this.options.remoteAddress;
    const response = await this.app.inject(request);
    const setCookie = [response.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('huiguan_console='));
    const cookie = setCookie?.split(';')[0];
    if (cookie !== undefined) this.cookie = cookie === 'huiguan_console=' ? '' : cookie;
    const parsed = response.body ? response.json() : undefined;
    if (parsed?.csrfToken) this.csrf = parsed.csrfToken;
    return { status: response.statusCode, body: parsed, headers: response.headers, cookie: setCookie };
  }

  get(url: string) {
    return this.send('GET', url);
  }

  post(url: string, body?: unknown, extra?: { csrf?: string | null; headers?: Record<string, string> }) {
    return this.send('POST', url, body, extra);
  }

  signIn(email: string, password = PASSWORD) {
    return this.post('/console/api/sign-in', { email, password });
  }
}

/** The secret of a set-password link (the part after `#`). */
export const secretOf = (url: string): string => url.slice(url.indexOf('#') + 1);

/** A console account with `PASSWORD` set through its link, like a person invited would. */
export async function consoleAccount(
  t: TestApp,
  site: SiteRow | null,
  email: string,
  role: ConsoleRole = 'owner',
): Promise<void> {
  const { secret } = await addConsoleAccount(t.store.db, { site, email, role }, t.clock.now);
  const res = await new ConsoleBrowser(t.app).post('/console/api/set-password', { secret, password: PASSWORD });
  if (res.status !== 200) throw new Error(`set-password: ${res.status} ${JSON.stringify(res.body)}`);
}
