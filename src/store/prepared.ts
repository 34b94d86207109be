import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './database.js';
import { isPostgres } from './dialect.js';

/** The PostgreSQL text of every prepared shape, and the name its statement has on each connection. */
const names = new Map<string, string>();

/** The statement name of a prepared shape's PostgreSQL text; undefined for any other query. */
export function statementName(sql: string): string | undefined {
  return names.get(sql);
}

/** Where a prepared query takes the value named `name` at each run. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A query shape built and compiled once per dialect, run with fresh values: Kysely otherwise builds the
 * operation tree and compiles its SQL on every call, the largest cost of a small query after the database's
 * own (docs/benchmarks.md). The SQL and the answers are those of the same query built anew; better-sqlite3's
 * statements are kept by SQL text (`connect.ts`), so SQLite does not parse it again either, and on PostgreSQL
 * the shape runs as a named prepared statement of each connection ({@link statementName}).
 *
 * `build` receives the values as placeholders (`p.siteId`): pass them only where Kysely takes a value (a
 * comparison's right side, `set`, `values`, `limit`). A placeholder tested in JavaScript (`p.x ? … : …`) or put
 * into SQL text is a mistake: `compile` refuses a shape whose placeholders did not all become parameters.
 */
export function prepared<P extends Record<string, unknown>, R>(build: (db: Db, p: P) => Compilable<R>): Prepared<P, R> {
  const shapes: { sqlite?: Shape<R>; postgres?: Shape<R> } = {};
  const shapeFor = (db: Db): Shape<R> => {
    const dialect = isPostgres(db) ? 'postgres' : 'sqlite';
    return (shapes[dialect] ??= compileShape(db, build));
  };
  const compile = (db: Db, values: P): CompiledQuery<R> => {
    const { query, slots } = shapeFor(db);
    const parameters = query.parameters.map((constant, i) => {
      const name = slots[i];
      return name === undefined ? constant : values[name];
    });
    return { ...query, parameters };
  };
  return {
    compile,
    async all(db, values) {
      return (await db.executeQuery(compile(db, values))).rows;
    },
    async first(db, values) {
      return (await db.executeQuery(compile(db, values))).rows[0];
    },
  };
}

export interface Prepared<P, R> {
  /** The compiled query with `values` in its parameters. */
  compile(db: Db, values: P): CompiledQuery<R>;
  all(db: Db, values: P): Promise<R[]>;
  first(db: Db, values: P): Promise<R | undefined>;
}

interface Shape<R> {
  query: CompiledQuery<R>;
  /** For each parameter, the name of the value it takes, or undefined for a constant of the shape. */
  slots: (string | undefined)[];
}

function compileShape<P extends Record<string, unknown>, R>(db: Db, build: (db: Db, p: P) => Compilable<R>): Shape<R> {
  const used = new Set<string>();
  const placeholders = new Proxy({} as P, {
    get: (_, name) => {
      if (typeof name !== 'string') return undefined;
      used.add(name);
      return new Slot(name);
    },
  });
  const query = build(db, placeholders).compile();
  if (isPostgres(db)) names.set(query.sql, `h${createHash('sha256').update(query.sql).digest('hex').slice(0, 24)}`);
  const slots = query.parameters.map((value) => (value instanceof Slot ? value.name : undefined));
  const missing = [...used].filter((name) => !slots.includes(name));
  if (missing.length > 0) throw new Error(`prepared query: ${missing.join(', ')} not passed as values`);
  return { query, slots };
}

/**
 * Prepared shapes for a query whose columns vary with the call (an update of the columns given, an insert of
 * the fields present): one shape per set of columns, made on first use. `build` receives the columns, sorted,
 * and must use exactly those as values. Columns whose value is undefined are left out, as Kysely leaves them out
 * of `set` and `values`.
 */
export function preparedByColumns<P extends Record<string, unknown>, R>(
  build: (columns: readonly string[]) => (db: Db, p: P) => Compilable<R>,
): (db: Db, values: P) => CompiledQuery<R> {
  const shapes = new Map<string, Prepared<P, R>>();
  return (db, values) => {
    const columns = Object.keys(values)
      .filter((k) => values[k] !== undefined)
      .sort();
    const key = columns.join(',');
    let shape = shapes.get(key);
    if (!shape) shapes.set(key, (shape = prepared(build(columns))));
    return shape.compile(db, values);
  };
}
