import { Column, DrizzleQueryError, fillPlaceholders, getTableColumns, is, SQL } from 'drizzle-orm';
import { type PgColumn, PgDialect, type PgTable, PgTimestamp } from 'drizzle-orm/pg-core';
import type { Executor } from '../client.ts';

/**
 * Statements built once per executor (issue 22). drizzle builds a query's SQL text anew on every call (walking its
 * chunks with `is()` checks: a tenth of the API's CPU for the `syncs` query) and sends it unprepared; a query built
 * with `.prepare(name)` and `sql.placeholder(...)` keeps its text and is a named statement in postgres.js, parsed
 * once per connection. The organization is a placeholder like any other parameter, so org scoping is unchanged.
 *
 * Keyed by the executor: the database's statements live as long as it does; a transaction gets its own (built on
 * first use in it, dropped with it), so a repository on a transaction never runs a statement outside it.
 */
const statements = new WeakMap<Executor, Map<string, unknown>>();

export function prepared<T>(db: Executor, name: string, build: (db: Executor) => T): T {
  let byName = statements.get(db);
  if (!byName) {
    byName = new Map();
    statements.set(db, byName);
  }
  let statement = byName.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build(db);
    byName.set(name, statement);
  }
  return statement;
}

/** How many column sets one statement may be prepared for, per executor; other sets read every column. */
export const MAX_PROJECTIONS = 16;

const projections = new WeakMap<Executor, Map<string, Set<string>>>();

/**
 * The columns a caller asks a prepared list statement for (issue 22: the API's `syncs` query needed 7 of the 25
 * columns of `syncs` and 11 of the 37 of `sync_runs`; parsing the other ~4,000 values was a quarter of its CPU).
 * Returns the statement's key (`name` and the columns) and drizzle's selection, or `undefined` for every column: when
 * none are asked for, or when this statement already has MAX_PROJECTIONS column sets on this executor (each set is
 * a statement prepared on every connection, so how many there are is bounded whatever clients ask). Columns are
 * listed in the table's order; unknown names are refused.
 */
export function projection(
  db: Executor,
  name: string,
  table: PgTable,
  columns: readonly string[] | undefined,
): { key: string; fields: Record<string, PgColumn> | undefined } {
  if (!columns) return { key: name, fields: undefined };
  const all = columnsOfTable(table);
  const wanted = new Set(columns);
  for (const column of wanted) {
    if (!Object.hasOwn(all, column)) throw new Error(`projection(${name}): no column ${column}`);
  }
  let key = `${name}(`;
  const fields: Record<string, PgColumn> = {};
  for (const column in all) {
    if (!wanted.has(column)) continue;
    key += key.endsWith('(') ? column : `,${column}`;
    fields[column] = all[column] as PgColumn;
  }
  key += ')';
  let byName = projections.get(db);
  if (!byName) {
    byName = new Map();
    projections.set(db, byName);
  }
  let keys = byName.get(name);
  if (!keys) {
    keys = new Set();
    byName.set(name, keys);
  }
  if (!keys.has(key)) {
    if (keys.size >= MAX_PROJECTIONS) return { key: name, fields: undefined };
    keys.add(key);
  }
  return { key, fields };
}

const tableColumns = new WeakMap<PgTable, Record<string, PgColumn>>();

/** drizzle's getTableColumns, once per table (it copies the table's columns into a new object each call). */
function columnsOfTable(table: PgTable): Record<string, PgColumn> {
  let columns = tableColumns.get(table);
  if (!columns) {
    columns = getTableColumns(table) as Record<string, PgColumn>;
    tableColumns.set(table, columns);
  }
  return columns;
}

/** A prepared select whose rows are read by a function compiled once for its columns. */
export interface RowStatement<Row> {
  execute(placeholders: Record<string, unknown>): Promise<Row[]>;
}

/** What drizzle's prepared query on postgres.js holds (drizzle-orm 0.45; checked when a statement is built). */
interface DrizzlePostgresJsQuery {
  client: {
    unsafe(
      query: string,
      params: unknown[],
      options: { prepare: boolean },
    ): { values(): Promise<unknown[][]> };
  };
  queryString: string;
  params: unknown[];
  fields: { path: string[]; field: unknown }[] | undefined;
  customResultMapper: unknown;
  logger: { logQuery(query: string, params: unknown[]): void };
}

/**
 * `prepared`, for the hottest selects (issue 22: the `syncs` query's four): drizzle builds the statement and its
 * parameters once, as there, but the rows are read by a function compiled once from the statement's columns instead
 * of drizzle's per-row walk (`mapResultRow`: a `reduce`, a path iterator and three `is()` checks per column and row,
 * with its garbage: the largest cost of the API after graphql-js was gone). Same values as drizzle's: each column's
 * own `mapFromDriverValue`, `null` kept, except `timestamptz`, read by `parseTimestamptz` (same `Date`s, measured
 * five times cheaper than `new Date(text)`). Errors are drizzle's `DrizzleQueryError`, as before.
 * Flat selections only (no joins, no nested objects): anything else is refused when built.
 */
export function preparedRows<
  Q extends { execute(placeholders?: Record<string, unknown>): Promise<unknown[]> },
>(
  db: Executor,
  name: string,
  build: (db: Executor) => Q,
): RowStatement<Awaited<ReturnType<Q['execute']>>[number]> {
  return prepared(db, `rows:${name}`, (executor) => rowStatement(build(executor), name));
}

function rowStatement<Row>(built: unknown, name: string): RowStatement<Row> {
  const query = built as Partial<DrizzlePostgresJsQuery>;
  const { client, queryString, params, fields, logger } = query;
  if (
    !client ||
    typeof client.unsafe !== 'function' ||
    typeof queryString !== 'string' ||
    !Array.isArray(params) ||
    !Array.isArray(fields) ||
    query.customResultMapper !== undefined ||
    !logger
  ) {
    throw new Error(`preparedRows(${name}): not a drizzle select prepared on postgres.js`);
  }
  const read = compileRowReader<Row>(fields, name);
  return {
    async execute(placeholders) {
      const values = fillPlaceholders(params, placeholders);
      logger.logQuery(queryString, values);
      let rows: unknown[][];
      try {
        rows = await client.unsafe(queryString, values, { prepare: true }).values();
      } catch (error) {
        throw new DrizzleQueryError(queryString, values, error as Error);
      }
      const result = new Array<Row>(rows.length);
      for (let i = 0; i < rows.length; i += 1) result[i] = read(rows[i] as unknown[]);
      return result;
    },
  };
}

/** postgres.js's `unsafe`, as much of it as is used here. */
interface PostgresJsClient {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]>;
}

const dialect = new PgDialect({ casing: 'snake_case' });

/**
 * A statement of our own SQL (a CTE drizzle's builders cannot write) with `sql.placeholder`s, its text built once and
 * sent as a named statement on the executor's postgres.js client (so a transaction's stays in it). Rows are
 * postgres.js's: objects keyed by the column names of the SQL. Errors are drizzle's `DrizzleQueryError`.
 */
export function preparedSql<Row>(db: Executor, name: string, query: SQL): RowStatement<Row> {
  return prepared(db, `sql:${name}`, (executor) => {
    const client = (executor._.session as unknown as { client?: Partial<PostgresJsClient> }).client;
    if (typeof client?.unsafe !== 'function')
      throw new Error(`preparedSql(${name}): not a postgres.js database`);
    const { sql: text, params } = dialect.sqlToQuery(query);
    return {
      async execute(placeholders) {
        const values = fillPlaceholders(params, placeholders);
        try {
          return (await (client as PostgresJsClient).unsafe(text, values, { prepare: true })) as Row[];
        } catch (error) {
          throw new DrizzleQueryError(text, values, error as Error);
        }
      },
    };
  });
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** As drizzle's mapResultRow: a column decodes itself, an `sql` expression (aliased or not) by its `mapWith`. */
function decoderOf(field: unknown): Decoder | undefined {
  if (is(field, Column)) return field;
  const expression = is(field, SQL) ? field : (field as { sql?: unknown } | null)?.sql;
  return is(expression, SQL) ? (expression as unknown as { decoder: Decoder }).decoder : undefined;
}

/**
 * The function that makes a row object of one array of driver values: one object literal with the selection's keys
 * in order (one hidden class for every row; no per-column lookups). Built with `new Function` from our own schema's
 * keys (JSON-quoted), never from data.
 */
function compileRowReader<Row>(
  fields: { path: string[]; field: unknown }[],
  name: string,
): (values: unknown[]) => Row {
  const decoders: (Decoder | undefined)[] = [];
  const properties = fields.map(({ path, field }, index) => {
    const key = path.length === 1 ? path[0] : undefined;
    if (key === undefined) throw new Error(`preparedRows(${name}): only flat selections are supported`);
    const decoder = decoderOf(field);
    if (!decoder) throw new Error(`preparedRows(${name}): ${key} is neither a column nor an SQL expression`);
    const value = `v[${index}]`;
    let read: string;
    if (is(decoder, PgTimestamp) && decoder.withTimezone) {
      read = `(${value} === null ? null : typeof ${value} === 'string' ? t(${value}) : ${value})`;
    } else if (decoder.mapFromDriverValue === Column.prototype.mapFromDriverValue) {
      read = value; // the identity: uuid, text, enums, booleans
    } else {
      decoders[index] = decoder;
      read = `(${value} === null ? null : d[${index}].mapFromDriverValue(${value}))`;
    }
    return `${JSON.stringify(key)}: ${read}`;
  });
  const factory = new Function('d', 't', `return (v) => ({ ${properties.join(', ')} });`);
  return factory(decoders, parseTimestamptz) as (values: unknown[]) => Row;
}

const DIGIT_0 = 48;

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i += 1) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A `timestamptz` as PostgreSQL writes it (DateStyle ISO: `2026-12-04 23:20:30.123456+00`, `…+05:30`) as the same
 * `Date` as `new Date(text)` (milliseconds truncated, as V8 does), without V8's legacy date parser. What is not in that
 * exact shape (years before 1000 or after 9999, BC, `infinity`, offsets with seconds) is left to `new Date(text)`.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  if (
    length >= 22 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 && // space
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58
  ) {
    const year = digits(text, 0, 4);
    let index = 19;
    let milliseconds = 0;
    if (text.charCodeAt(index) === 46) {
      // .fraction: 1 to 6 digits, truncated to milliseconds
      index += 1;
      let scale = 100;
      for (let digit = text.charCodeAt(index) - DIGIT_0; digit >= 0 && digit <= 9; ) {
        if (scale >= 1) milliseconds += digit * scale;
        scale /= 10;
        index += 1;
        digit = index < length ? text.charCodeAt(index) - DIGIT_0 : -1;
      }
    }
    const sign = text.charCodeAt(index);
    const rest = length - index;
    if (
      year >= 1000 &&
      (sign === 43 || sign === 45) &&
      (rest === 3 || (rest === 6 && text.charCodeAt(index + 3) === 58))
    ) {
      const offsetMinutes = digits(text, index + 1, 2) * 60 + (rest === 6 ? digits(text, index + 4, 2) : 0);
      const time = Date.UTC(
        year,
        digits(text, 5, 2) - 1,
        digits(text, 8, 2),
        digits(text, 11, 2),
        digits(text, 14, 2),
        digits(text, 17, 2),
        milliseconds,
      );
      const utc = time - (sign === 43 ? offsetMinutes : -offsetMinutes) * 60_000;
      if (Number.isFinite(utc)) return new Date(utc);
    }
  }
  return new Date(text);
}
