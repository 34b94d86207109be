import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { BackgroundLoop } from '../domain/background-loop.js';

export type { BackgroundLoop };

/**
 * The server's background loops, as a plugin: they start when the server is ready, never run a round
 * twice at once, log a failed round and go on, and on close stop and wait for the round under way.
 *
 * @example
 *   await app.register(backgroundLoops, { loops: [{ name: 'sweep', everyMs: 5_000, run: () => sweep(db) }] });
 */
export async function backgroundLoops(
  app: FastifyInstance,
  { loops }: { loops: readonly BackgroundLoop[] },
): Promise<void> {
  let running: { stop(): Promise<void> }[] = [];
  app.addHook('onReady', async () => {
    running = loops.map((loop) => startLoop(loop, app.log));
  });
  app.addHook('onClose', async () => {
    await Promise.all(running.map((r) => r.stop()));
  });
}

function startLoop(loop: BackgroundLoop, log: FastifyBaseLogger): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  const next = () => {
    round = Promise.resolve()
      .then(loop.run)
      .then(
        () => undefined,
        (err: unknown) => log.warn({ err, loop: loop.name }, `${loop.name} failed`),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(next, loop.everyMs).unref();
      });
  };
  if (loop.atStart) next();
  else timer = setTimeout(next, loop.everyMs).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
      await loop.stop?.();
    },
  };
}
