/**
 * The SQL statements one request of a scenario runs, and what each costs alone: the app is built in process
 * on a freshly seeded SQLite database, one request of each chosen scenario is made with every statement
 * recorded, then each recorded statement is run again `--count` times on its own (better-sqlite3, the same
 * parameters) and timed. Writes are undone after each run (a savepoint), so the data stays as seeded.
 * `npx tsx bench/statements.ts [--meetings N] [--count N] [--only REGEX] [--plan] [--pragma 'cache_size = -65536']…`
 */
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { inProcessApp } from './in-process.js';

const { values } = parseArgs({
  options: {
    meetings: { type: 'string', default: '20000' },
    count: { type: 'string', default: '2000' },
    only: { type: 'string', default: 'getConfDetailByConfId' },
    plan: { type: 'boolean', default: false },
    pragma: { type: 'string', multiple: true, default: [] },
  },
});
const recorded: { sql: string; parameters: readonly unknown[] }[] = [];
let recording = false;
// Every statement better-sqlite3 runs passes through its Statement prototype's all/run/get.
const probe = new BetterSqlite3(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
probe.close();
for (const method of ['all', 'run', 'get'] as const) {
  const original = statementProto[method]!;
  statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
    if (recording) recorded.push({ sql: this.source, parameters: args });
    return original.apply(this, args);
  };
}
const inProcess = await inProcessApp({
  meetings: Number(values.meetings),
  only: new RegExp(values.only, 'i'),
  logLevel: 'warn',
  siteSign: 'stmts',
});
const raw = new BetterSqlite3(inProcess.file);
try {
  for (const pragma of values.pragma) raw.pragma(pragma);
  for (const s of inProcess.chosen) {
    for (let i = 0; i < 50; i++) await inProcess.request(s);
    recorded.length = 0;
    recording = true;
    try {
      await inProcess.request(s);
    } finally {
      recording = false;
    }
    console.log(`\n${s.name}: ${recorded.length} statements`);
    let sum = 0;
    for (const { sql, parameters } of recorded) {
      if (/^\s*(begin|commit|rollback|savepoint|release)\b/i.test(sql)) {
        console.log(`          ${sql}`);
        continue;
      }
      const stmt = raw.prepare(sql);
      const params = parameters.map((p) => (typeof p === 'boolean' ? Number(p) : p));
      const count = Number(values.count);
      // A write is undone after each run (a savepoint), so each run meets the data as the request did.
      raw.exec('BEGIN');
      let ns = 0n;
      try {
        raw.exec('SAVEPOINT trial');
        if (stmt.reader) stmt.all(...params);
        else stmt.run(...params);
        raw.exec('ROLLBACK TO trial');
      } catch (err) {
        // A statement whose values were the request's own (the next sequence number) cannot run again.
        raw.exec('ROLLBACK');
        console.log(`     —      ${sql.slice(0, 160)} (cannot run again: ${(err as Error).message})`);
        continue;
      }
      for (let i = 0; i < count; i++) {
        if (!stmt.reader) raw.exec('SAVEPOINT timed');
        const started = process.hrtime.bigint();
        if (stmt.reader) stmt.all(...params);
        else stmt.run(...params);
        ns += process.hrtime.bigint() - started;
        if (!stmt.reader) raw.exec('ROLLBACK TO timed');
      }
      const us = Number(ns) / 1000 / count;
      raw.exec('ROLLBACK');
      sum += us;
      console.log(`${us.toFixed(1).padStart(8)} µs  ${sql.slice(0, 160)}`);
      if (values.plan && stmt.reader)
        for (const row of raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          console.log(`            ${row.detail}`);
    }
    console.log(`${sum.toFixed(1).padStart(8)} µs  together`);
  }
} finally {
  raw.close();
  await inProcess.close();
}
