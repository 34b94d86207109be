// The console's JSON calls (/console/api/…, src/api/console.ts). Every state-changing call carries the
// session's CSRF token, which "who am I" and sign-in answer; the session itself is an HttpOnly cookie.

import type {
  ConsoleAccountView as Account,
  ConsoleSiteView as Site,
  MeView as Me,
} from '../../../src/contract/console';
import type {
  ConsoleUserView,
  NewEndpointView,
  OverviewView,
  RecordingListView,
  SiteSettingsView,
  UserListView,
  WebhookOverviewView,
} from '../../../src/contract/console-site';

export type { Account, Me, Site };

/** A refusal: `error` names the cause (the message catalogue's key), `message` is the server's words. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

let csrfToken = '';

export async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/console/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ConsoleError(0, 'network', 'network error');
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const retry = typeof answer.retryAfterSeconds === 'number' ? answer.retryAfterSeconds : undefined;
    throw new ConsoleError(response.status, String(answer.error ?? 'internal'), String(answer.message ?? ''), retry);
  }
  if (typeof answer.csrfToken === 'string') csrfToken = answer.csrfToken;
  return answer as T;
}

const site = (siteSign: string) => `/sites/${encodeURIComponent(siteSign)}`;

export const consoleApi = {
  me: () => call<Me>('GET', '/me'),
  signIn: (email: string, password: string) => call<Me>('POST', '/sign-in', { email, password }),
  signOut: () => call<{ ok: true }>('POST', '/sign-out'),
  signOutEverywhere: () => call<{ ok: true }>('POST', '/sign-out-everywhere'),
  passwordLink: (secret: string) => call<{ email: string; expiresAt: string }>('POST', '/password-link', { secret }),
  setPassword: (secret: string, password: string) =>
    call<{ email: string }>('POST', '/set-password', { secret, password }),
  sites: () => call<{ sites: Site[] }>('GET', '/sites'),
  site: (siteSign: string) => call<Site>('GET', site(siteSign)),
  accounts: (siteSign: string) => call<{ accounts: Account[] }>('GET', `${site(siteSign)}/accounts`),
  invite: (siteSign: string, email: string, role: 'owner' | 'viewer') =>
    call<{ account: Account; setPasswordUrl: string; expiresAt: string }>('POST', `${site(siteSign)}/accounts`, {
      email,
      role,
    }),
  revealApiKey: (siteSign: string) => call<{ apiKey: string }>('POST', `${site(siteSign)}/api-key`),
  overview: (siteSign: string, days: number) => call<OverviewView>('GET', `${site(siteSign)}/overview?days=${days}`),
  recordings: (siteSign: string) => call<RecordingListView>('GET', `${site(siteSign)}/recordings`),
  deleteRecording: (siteSign: string, recordId: number) =>
    call<{ ok: true }>('POST', `${site(siteSign)}/recordings/${recordId}/delete`),
  users: (siteSign: string) => call<UserListView>('GET', `${site(siteSign)}/users`),
  saveUser: (siteSign: string, user: { userId: string; userName: string; enableCloudRecord: 0 | 1; create: boolean }) =>
    call<ConsoleUserView>('POST', `${site(siteSign)}/users`, user),
  deleteUser: (siteSign: string, userId: string, force: boolean) =>
    call<{ ok: true }>('POST', `${site(siteSign)}/users/${encodeURIComponent(userId)}/delete`, { force }),
  newHostKey: (siteSign: string, userId: string) =>
    call<{ hostKey: string }>('POST', `${site(siteSign)}/users/${encodeURIComponent(userId)}/host-key`),
  webhooks: (siteSign: string) => call<WebhookOverviewView>('GET', `${site(siteSign)}/webhooks`),
  addEndpoint: (siteSign: string, url: string, events: string) =>
    call<NewEndpointView>('POST', `${site(siteSign)}/webhooks`, { url, events }),
  deleteEndpoint: (siteSign: string, endpointId: number) =>
    call<{ ok: true }>('POST', `${site(siteSign)}/webhooks/${endpointId}/delete`),
  resendDelivery: (siteSign: string, deliveryId: number) =>
    call<{ ok: true }>('POST', `${site(siteSign)}/webhook-deliveries/${deliveryId}/resend`),
  settings: (siteSign: string) => call<SiteSettingsView>('GET', `${site(siteSign)}/settings`),
  rotateApiKey: (siteSign: string) => call<{ apiKey: string }>('POST', `${site(siteSign)}/api-key/rotate`),
  changeRcPort: (siteSign: string, confNumber: string, rcPort: 0 | 1) =>
    call<{ ok: true }>('POST', `${site(siteSign)}/rc-port`, { confNumber, rcPort }),
};
