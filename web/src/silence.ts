/**
 * When a meeting connection that has gone quiet is taken as lost: nothing heard for `silenceMs` of the time the
 * page itself was running. A page that was frozen (a starved machine, a phone that put the tab aside) comes
 * back with the server's messages still queued behind its own timer, so the heartbeat's first tick after a stall
 * would find the connection silent though it was not. The stall is not counted as silence: the messages then
 * get their turn, and a connection really gone is found a few ticks later.
 */
export class SilenceWatch {
  private heard: number;
  private lastTick: number;

  constructor(
    now: number,
    private readonly silenceMs: number,
    private readonly tickMs: number,
  ) {
    this.heard = now;
    this.lastTick = now;
  }

  /** Something came from the server. */
  hear(now: number): void {
    this.heard = now;
  }

  /** The heartbeat's tick: true when the connection is lost. */
  tick(now: number): boolean {
    // A tick due after `tickMs` that came much later: the page was stalled for the difference.
    const stalled = now - this.lastTick - this.tickMs;
    this.lastTick = now;
    if (stalled > this.tickMs / 2) this.heard = Math.min(now, this.heard + stalled);
    return now - this.heard > this.silenceMs;
  }
}
