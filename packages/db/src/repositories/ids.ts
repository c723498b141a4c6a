const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from clients: one that is not a uuid names no row (instead of a PostgreSQL cast error). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The distinct uuids among `values`, in order (each distinct value checked once: a list's ids repeat). */
export function onlyUuids(values: readonly string[]): string[] {
  return [...new Set(values)].filter(isUuid);
}
