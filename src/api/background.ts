import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/** Work the server repeats while it runs (the sweeper, the webhook outbox, the recording-upload sweep…). */
export interface BackgroundLoop {
  /** Names the loop in the log when a round fails. */
  name: string;
  /** Pause between the end of one round and the start of the next, ms. */
  everyMs: number;
  /** One round. The next begins only after it settled; a rejection is logged and the loop goes on. */
  run: () => Promise<unknown>;
  /** Runs a first round as soon as the server is ready instead of after `everyMs`. Default false. */
  atStart?: boolean;
  /** Called on close after the last round settled (e.g. to wait for work the rounds began). */
  stop?: () => Promise<void>;
}

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
