import { z } from 'zod';

/** A cursor that cannot be decoded: the caller sent something we never issued. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('Invalid pagination cursor');
  }
}

/** Opaque Relay-style cursor: base64url of the JSON of the sort key of the last row. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` and checks it against the schema of the sort key. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError();
  return result.data;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** One page of a Relay connection. `totalCount` counts every row that matches the filters, not just this page. */
export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface PageArgs {
  /** Page size; clamped to 1..MAX_PAGE_SIZE. */
  first?: number;
  after?: string | null;
}

export const MAX_PAGE_SIZE = 500;

export function pageSize(first: number | undefined, fallback: number): number {
  const wanted = first ?? fallback;
  if (!Number.isFinite(wanted)) return fallback;
  return Math.min(Math.max(Math.trunc(wanted), 1), MAX_PAGE_SIZE);
}

/** Builds a page from rows fetched with `limit + 1` (the extra row only says whether there is a next page). */
export function toPage<T>(
  rows: T[],
  limit: number,
  totalCount: number,
  cursorOf: (row: T) => string,
): Page<T> {
  const hasNextPage = rows.length > limit;
  const nodes = hasNextPage ? rows.slice(0, limit) : rows;
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}
