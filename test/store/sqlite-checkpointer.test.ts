import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/store/connect.js';
import { databaseUrl } from '../helper.js';

describe.skipIf(Boolean(databaseUrl))('SQLite background checkpoint', () => {
  it('copies committed pages into the database file from the worker, not in a commit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-wal-'));
    const file = path.join(dir, 'huiguan.db');
    const store = await connect({ dataDir: dir, backgroundCheckpoint: true });
    try {
      await sql`create table filler (x text)`.execute(store.db);
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 200; i++) await sql`insert into filler values (${'x'.repeat(8000)})`.execute(trx);
      });
      // 1.6 MB committed: in the log, far below the server connection's own threshold (40 MB).
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(1_500_000);
      // Until the background checkpoint has copied the log into the database file: the test's timeout bounds it.
      while (fs.statSync(file).size < 1_500_000) await new Promise((r) => setTimeout(r, 100));
      expect(fs.statSync(file).size).toBeGreaterThan(1_500_000);
    } finally {
      await store.db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the log alone when it is off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiguan-wal-'));
    const store = await connect({ dataDir: dir });
    try {
      await sql`create table filler (x text)`.execute(store.db);
      for (let i = 0; i < 20; i++) await sql`insert into filler values (${'x'.repeat(8000)})`.execute(store.db);
      await new Promise((r) => setTimeout(r, 1500));
      expect(fs.statSync(path.join(dir, 'huiguan.db')).size).toBeLessThan(100_000);
    } finally {
      await store.db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
