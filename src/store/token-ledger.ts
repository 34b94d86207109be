import type { Db } from './database.js';
import { claimTokens, releaseToken, type TokenClaim } from './tokens.repository.js';

interface Pending extends TokenClaim {
  resolve(claimed: boolean): void;
  reject(err: unknown): void;
}

/**
 * Claims single-use tokens in batches: the claims made while the previous batch is being written (or
 * within one turn of the event loop) are written together, as one multi-row insert in one transaction,
 * and each caller learns whether its token was new once that transaction has committed. The database
 * stays the arbiter across processes and restarts (the primary key of `used_tokens`); the batch only
 * spares a transaction per request. Read endpoints claim here; writes claim in their own transaction.
 *
 * Options: `maxBatch` claims a statement at most (default 200).
 */
export class TokenLedger {
  private pending: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Db,
    options: { maxBatch?: number } = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
  }

  /** Answers true once the token is durably recorded as used, false when it was used before. */
  claim(claim: TokenClaim): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...claim, resolve, reject });
      this.schedule();
    });
  }

  /** Gives back a token whose request was refused after the claim, so that it changed nothing. */
  release(claim: TokenClaim): Promise<void> {
    return releaseToken(this.db, claim);
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        // Two claims of one token in a batch: the first goes to the database, the second lost already.
        // (A token signs its timeStamp, so one token means one timeStamp.)
        const first = new Map<string, Pending>();
        const repeats: Pending[] = [];
        for (const claim of batch) {
          if (first.has(claim.token)) repeats.push(claim);
          else first.set(claim.token, claim);
        }
        for (const repeat of repeats) repeat.resolve(false);
        try {
          const inserted = await claimTokens(this.db, [...first.values()]);
          for (const claim of first.values()) claim.resolve(inserted.has(claim.token));
        } catch (err) {
          for (const claim of first.values()) claim.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
