import type { WebSocket } from 'ws';

/**
 * Limits of one page WebSocket (docs/web-protocol.md, "Limits").
 *
 * - `maxMessageBytes`: a page message; the largest real one is an SDP offer of a few tens of kilobytes.
 * - `maxBufferedBytes`: what may wait to be sent to one page. A healthy page drains it at once; a roster of a
 *   1000-party meeting is about 150 KB, so 4 MiB holds some 25 of them, or half a minute of a 1 Mbit/s link.
 *   A page further behind is not reading, and is closed with {@link CloseCode.slowReader}.
 * - A token bucket of `burst` tokens refilled at `perSecond`; a message costs one token, and one more per
 *   `bytesPerToken` bytes. A page joining a mesh of 7 others (the mesh's limit, docs/media.md) sends an offer
 *   or answer, its stream ids and some 10–20 ICE candidates to each, under 200 tokens; afterwards it pings
 *   every 10 s. 6000 signals of 60 KB (8 tokens each) empty the bucket after 62.
 */
export const SOCKET_LIMITS = {
  maxMessageBytes: 64 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  burst: 500,
  perSecond: 50,
  bytesPerToken: 8 * 1024,
} as const;

/** Close codes the server gives a page WebSocket besides the normal closure after a final state. */
export const CloseCode = {
  /** Another connection with this ticket was opened (another tab or window); this one is out. */
  replaced: 4001,
  /** More than `maxBufferedBytes` waited to be sent: the page did not read. */
  slowReader: 4002,
  /** The page sent faster than the token bucket allows. */
  tooManyMessages: 4003,
} as const;

/** At most one presence write (the heartbeat's `last_seen_at`) per this long per connection. */
export const PRESENCE_WRITE_INTERVAL_MS = 5_000;

/** A token bucket; `now` is a monotonic clock in ms. */
export class MessageBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly limits: { burst: number; perSecond: number; bytesPerToken: number } = SOCKET_LIMITS,
  ) {
    this.tokens = limits.burst;
    this.at = now();
  }

  /** Takes what a message of `bytes` costs; false (and nothing taken) when the bucket holds too little. */
  take(bytes: number): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.at) / 1000) * this.limits.perSecond);
    this.at = now;
    const cost = 1 + Math.floor(bytes / this.limits.bytesPerToken);
    if (cost > this.tokens) return false;
    this.tokens -= cost;
    return true;
  }
}

/**
 * Sends `text` unless the page is too far behind: then closes it as a slow reader. ws destroys a socket
 * whose peer does not answer the close within 30 s, and what was buffered goes with it.
 */
export function sendLimited(socket: WebSocket, text: string): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > SOCKET_LIMITS.maxBufferedBytes) {
    socket.close(CloseCode.slowReader, 'slow reader');
    return;
  }
  socket.send(text);
}
