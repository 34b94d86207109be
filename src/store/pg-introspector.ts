import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  type Kysely,
  type PostgresDialectConfig,
  type TableMetadata,
} from 'kysely';

/**
 * PostgreSQL with Kysely's introspection confined to one schema, the one Huiguan's tables live in.
 *
 * Kysely's own introspector reads every column of every schema's tables and calls
 * `pg_get_serial_sequence` on each. The migrator runs it on every start, to find its own table. When
 * another schema on the database changes during that read (another installation's migration, a test run
 * dropping its schema), the function looks up a column or schema the read's snapshot still listed and fails
 * (42703, 42P01, 3F000), and the server did not start. Reading only our schema, from the catalogue alone, has
 * nothing of anyone else's to trip over.
 */
export function schemaPostgresDialect(config: PostgresDialectConfig, schema: string): PostgresDialect {
  const dialect = new PostgresDialect(config);
  dialect.createIntrospector = (db) => schemaIntrospector(db, schema);
  return dialect;
}

interface ColumnRow {
  table: string;
  table_type: string;
  column: string;
  not_null: boolean;
  has_default: boolean;
  auto_incrementing: boolean;
  type: string;
  type_schema: string;
  column_description: string | null;
}

/** The tables and views of `schema`, described as Kysely's Postgres introspector describes them. */
export function schemaIntrospector(db: Kysely<unknown>, schema: string): DatabaseIntrospector {
  const getTables = async (
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> => {
    const internal = options.withInternalKyselyTables ? [] : [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE];
    const { rows } = await sql<ColumnRow>`
      select c.relname as table, c.relkind as table_type, a.attname as column, a.attnotnull as not_null,
             a.atthasdef as has_default, typ.typname as type, dtns.nspname as type_schema,
             col_description(a.attrelid, a.attnum) as column_description,
             (a.attidentity <> '' or exists (
               select 1 from pg_catalog.pg_depend d join pg_catalog.pg_class s on s.oid = d.objid
               where d.classid = 'pg_catalog.pg_class'::regclass and d.refobjid = c.oid
                 and d.refobjsubid = a.attnum and d.deptype in ('a', 'i') and s.relkind = 'S'
             )) as auto_incrementing
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_class c on c.oid = a.attrelid
      join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      join pg_catalog.pg_type typ on typ.oid = a.atttypid
      join pg_catalog.pg_namespace dtns on dtns.oid = typ.typnamespace
      where ns.nspname = ${schema} and c.relkind in ('r', 'v', 'p') and a.attnum > 0 and not a.attisdropped
        ${internal.length ? sql`and c.relname not in (${sql.join(internal)})` : sql``}
      order by c.relname, a.attnum`.execute(db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, schema, isView: row.table_type === 'v', columns: [] };
        tables.set(row.table, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        isAutoIncrementing: row.auto_incrementing,
        hasDefaultValue: row.has_default,
        ...(row.column_description === null ? {} : { comment: row.column_description }),
      });
    }
    return [...tables.values()];
  };
  return {
    getSchemas: async () => [{ name: schema }],
    getTables,
    getMetadata: async (options) => ({ tables: await getTables(options) }),
  };
}
