// The console's addresses (the server serves the same page at each: src/api/console-pages.ts).

export type ConsoleRoute =
  | { page: 'sign-in' }
  | { page: 'set-password' }
  | { page: 'home' }
  | { page: 'sites' }
  | { page: 'overview'; siteSign: string }
  | { page: 'accounts'; siteSign: string }
  | { page: 'recordings'; siteSign: string }
  | { page: 'users'; siteSign: string }
  | { page: 'webhooks'; siteSign: string }
  | { page: 'settings'; siteSign: string }
  | { page: 'meetings'; siteSign: string }
  | { page: 'meeting'; siteSign: string; confId: number }
  | { page: 'live'; siteSign: string }
  | { page: 'not-found' };

/** The route of a path under /console. */
export function parseRoute(pathname: string): ConsoleRoute {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/console') return { page: 'home' };
  if (path === '/console/sign-in') return { page: 'sign-in' };
  if (path === '/console/set-password') return { page: 'set-password' };
  if (path === '/console/sites') return { page: 'sites' };
  const meetings = /^\/console\/sites\/([^/]+)\/(meetings|live)(?:\/([1-9][0-9]{0,9}))?$/.exec(path);
  if (meetings) {
    const siteSign = decodeURIComponent(meetings[1]!);
    if (meetings[2] === 'live') return meetings[3] ? { page: 'not-found' } : { page: 'live', siteSign };
    return meetings[3] ? { page: 'meeting', siteSign, confId: Number(meetings[3]) } : { page: 'meetings', siteSign };
  }
  const recordings = /^\/console\/sites\/([^/]+)\/recordings$/.exec(path);
  if (recordings) return { page: 'recordings', siteSign: decodeURIComponent(recordings[1]!) };
  const users = /^\/console\/sites\/([^/]+)\/users$/.exec(path);
  if (users) return { page: 'users', siteSign: decodeURIComponent(users[1]!) };
  const webhooks = /^\/console\/sites\/([^/]+)\/webhooks$/.exec(path);
  if (webhooks) return { page: 'webhooks', siteSign: decodeURIComponent(webhooks[1]!) };
  const settings = /^\/console\/sites\/([^/]+)\/settings$/.exec(path);
  if (settings) return { page: 'settings', siteSign: decodeURIComponent(settings[1]!) };
  const site = /^\/console\/sites\/([^/]+)(\/accounts)?$/.exec(path);
  if (site) {
    const siteSign = decodeURIComponent(site[1]!);
    return site[2] ? { page: 'accounts', siteSign } : { page: 'overview', siteSign };
  }
  return { page: 'not-found' };
}

export const paths = {
  home: '/console/',
  signIn: '/console/sign-in',
  sites: '/console/sites',
  overview: (siteSign: string) => `/console/sites/${encodeURIComponent(siteSign)}`,
  accounts: (siteSign: string) => `/console/sites/${encodeURIComponent(siteSign)}/accounts`,
  /** A site's page under its own name (`accounts`, `recordings`, …). */
  sitePage: (siteSign: string, page: string) => `/console/sites/${encodeURIComponent(siteSign)}/${page}`,
  meetings: (siteSign: string) => `/console/sites/${encodeURIComponent(siteSign)}/meetings`,
  meeting: (siteSign: string, confId: number) => `/console/sites/${encodeURIComponent(siteSign)}/meetings/${confId}`,
  live: (siteSign: string) => `/console/sites/${encodeURIComponent(siteSign)}/live`,
};
