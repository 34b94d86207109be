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
