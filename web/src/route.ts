import type { Kind } from './api';

export interface Route {
  kind: Kind;
  confNumber: string;
  secret: string;
  /** The password carried by a web-client link (`/wc/join/...?pwd=`). */
  password: string;
  /** A registrant's personal-link secret (`?tk=`), from addRegistrant's join_url. */
  tk: string;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * `/s/<confNumber>/<secret>` is a host link; `/j/<confNumber>/<secret>` and `/wc/join/<confNumber>/<secret>`
 * are attendee links. Anything else is not a link (null).
 */
export function parseRoute(pathname: string, search: string): Route | null {
  const parts = pathname.split('/').filter((p, i, all) => !(p === '' && (i === 0 || i === all.length - 1)));
  let kind: Kind;
  let rest: string[];
  if (parts.length === 3 && parts[0] === 's') {
    kind = 's';
    rest = parts.slice(1);
  } else if (parts.length === 3 && parts[0] === 'j') {
    kind = 'j';
    rest = parts.slice(1);
  } else if (parts.length === 4 && parts[0] === 'wc' && parts[1] === 'join') {
    kind = 'j';
    rest = parts.slice(2);
  } else {
    return null;
  }
  const confNumber = decode(rest[0] ?? '');
  const secret = decode(rest[1] ?? '');
  if (!confNumber || !secret) return null;
  const password = parts[0] === 'wc' ? (new URLSearchParams(search).get('pwd') ?? '') : '';
  const tk = new URLSearchParams(search).get('tk') ?? '';
  return { kind, confNumber, secret, password, tk };
}
