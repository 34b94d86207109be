import { createHmac } from 'node:crypto';

/** A TURN server (coturn) whose credentials the server mints itself, from a secret it shares with it. */
export interface TurnSettings {
  /** `turn:` / `turns:` URLs, e.g. `turn:turn.example.com:3478?transport=udp`. */
  readonly urls: readonly string[];
  /** coturn's `static-auth-secret`. Never leaves the server. */
  readonly secret: string;
  /** How long a minted credential is accepted, seconds. */
  readonly ttlSeconds: number;
}

/** One STUN or TURN server as the browser's RTCIceServer takes it. */
export interface TurnServer {
  readonly urls: readonly string[];
  readonly username: string;
  readonly credential: string;
}

/**
 * Time-limited TURN credentials for one participant, by the TURN REST convention that coturn's
 * `use-auth-secret` checks: the username is `<expiry unix seconds>:<participant>`, the password
 * base64(HMAC-SHA1(secret, username)). A credential that leaks is worthless after `ttlSeconds`, and one
 * participant's cannot be turned into another's.
 */
export function turnCredentials(turn: TurnSettings, participant: string, now: number): TurnServer {
  const username = `${Math.floor(now / 1000) + turn.ttlSeconds}:${participant}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: turn.urls, username, credential };
}
