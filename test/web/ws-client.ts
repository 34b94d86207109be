import WebSocket from 'ws';

export interface PageMessage {
  type: string;
  state?: string;
  participants?: { name: string; role: string; id: string; deviceType: string }[];
  waiting?: { name: string; id: string }[];
  you?: { watermark: string | null; role: string; id: string };
  meeting?: { confName: string; endsAt: number };
}

/** A page's WebSocket, as the browser would hold it: every message kept, waits by predicate. */
export class PageSocket {
  readonly messages: PageMessage[] = [];
  private waiters: { test: (m: PageMessage) => boolean; resolve: (m: PageMessage) => void }[] = [];
  readonly closed: Promise<void>;
  /** The close code, once closed. */
  closeCode: number | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as PageMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => (w.test(message) ? (w.resolve(message), false) : true));
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code;
        resolve();
      }),
    );
  }

  static async open(
    baseUrl: string,
    ticket: string,
    userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0',
  ): Promise<PageSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/web/v1/ws?ticket=${ticket}`, {
      headers: { 'user-agent': userAgent },
    });
    const page = new PageSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return page;
  }

  /**
   * The first message (already received or coming) that passes `test`. Fails when the socket closes first, or
   * after `timeoutMs` when given (for "nothing comes" checks); otherwise the test's own timeout bounds the wait,
   * so a busy machine only makes it slower.
   */
  waitFor(test: (m: PageMessage) => boolean, timeoutMs?: number): Promise<PageMessage> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return this.wait(test, timeoutMs);
  }

  /** The next message from now on that passes `test` (fails as `waitFor` does). */
  next(test: (m: PageMessage) => boolean, timeoutMs?: number): Promise<PageMessage> {
    return this.wait(test, timeoutMs);
  }

  private wait(test: (m: PageMessage) => boolean, timeoutMs: number | undefined): Promise<PageMessage> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no such message (${why}); got ${JSON.stringify(this.messages)}`));
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => fail(`${timeoutMs} ms`), timeoutMs);
      const waiter = {
        test,
        resolve: (m: PageMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
      void this.closed.then(() => {
        clearTimeout(timer);
        fail(`socket closed with ${this.closeCode}`);
      });
    });
  }

  state(state: string, timeoutMs?: number) {
    return this.waitFor((m) => m.type === 'state' && m.state === state, timeoutMs);
  }

  /** A roster of `count` participants, already received or coming. */
  rosterOf(count: number, timeoutMs?: number) {
    return this.waitFor((m) => m.type === 'roster' && m.participants?.length === count, timeoutMs);
  }

  /** The next roster of `count` participants from now on. */
  nextRoster(count: number, timeoutMs?: number) {
    return this.next((m) => m.type === 'roster' && m.participants?.length === count, timeoutMs);
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends `text`; resolves once it is written (rejects once the socket is closing). */
  sendText(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(text, (err) => (err ? reject(err) : resolve())));
  }

  /** Stops reading from the network, as a page that does not keep up. */
  pauseReading(): void {
    (this.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(): void {
    this.socket.close();
  }
}
