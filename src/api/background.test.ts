import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backgroundLoops, type BackgroundLoop } from './background.js';

/** A promise with its resolve and reject at hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** An app with `loops` and a log whose lines are kept. */
async function appWith(loops: BackgroundLoop[]) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level: 'warn' }, stream) });
  await app.register(backgroundLoops, { loops });
  return { app, lines };
}

describe('backgroundLoops', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts when the server is ready, every everyMs after a round ends, never two rounds at once', async () => {
    const rounds: ReturnType<typeof deferred>[] = [];
    let running = 0;
    let most = 0;
    const { app } = await appWith([
      {
        name: 'test loop',
        everyMs: 1000,
        run: async () => {
          running += 1;
          most = Math.max(most, running);
          const round = deferred();
          rounds.push(round);
          await round.promise;
          running -= 1;
        },
      },
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(rounds).toHaveLength(0);
    await app.ready();
    await vi.advanceTimersByTimeAsync(1000);
    expect(rounds).toHaveLength(1);
    // The round is under way: however long it takes, no other begins.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rounds).toHaveLength(1);
    rounds[0]!.resolve();
    await vi.advanceTimersByTimeAsync(999);
    expect(rounds).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(rounds).toHaveLength(2);
    expect(most).toBe(1);
    rounds[1]!.resolve();
    await app.close();
  });

  it('logs a failed round with the loop’s name and goes on', async () => {
    let calls = 0;
    const { app, lines } = await appWith([
      {
        name: 'failing loop',
        everyMs: 100,
        atStart: true,
        run: async () => {
          calls += 1;
          if (calls === 1) throw new Error('database unreachable');
        },
      },
    ]);
    await app.ready();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      loop: 'failing loop',
      msg: 'failing loop failed',
      err: { message: 'database unreachable' },
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(2);
    expect(lines).toHaveLength(1);
    await app.close();
  });

  it('on close waits for the round under way, then stop(), and runs no more rounds', async () => {
    const round = deferred();
    const events: string[] = [];
    let calls = 0;
    const { app } = await appWith([
      {
        name: 'closing loop',
        everyMs: 100,
        atStart: true,
        run: async () => {
          calls += 1;
          events.push('round');
          await round.promise;
          events.push('round done');
        },
        stop: async () => {
          events.push('stop');
        },
      },
    ]);
    await app.ready();
    await vi.advanceTimersByTimeAsync(0);
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    round.resolve();
    await closing;
    expect(events).toEqual(['round', 'round done', 'stop']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(1);
  });
});
