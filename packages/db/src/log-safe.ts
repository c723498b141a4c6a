/**
 * What of an error may go into a log line. postgres.js puts the server's own fields on its errors as enumerable
 * properties, and some of them quote the data: `detail` ("Key (organization_id, lower(email))=(…, ann@example.com)
 * already exists"), `where` (the JSON text a jsonb input refused), `hint`; with `debug` on, `query` and
 * `parameters` too. A data exception's message (SQLSTATE class 22) quotes the value it refused. Loggers pass every
 * error through this (apps: pino's `err` serializer), so no log line carries lead emails or SQL parameters.
 */
const DATA_FIELDS = ['detail', 'where', 'hint', 'query', 'parameters', 'args', 'internal_query'] as const;

/** An error (or pino's serialized form of one) without the fields that quote data; its `cause` chain too. */
export function logSafeError<T>(error: T, depth = 0): T {
  if (error === null || typeof error !== 'object' || depth > 5) return error;
  const source = error as Record<string, unknown>;
  const hasData = DATA_FIELDS.some((field) => field in source);
  const code = typeof source.code === 'string' ? source.code : '';
  const dataException = /^22[0-9A-Z]{3}$/.test(code) && typeof source.message === 'string';
  const cause = source.cause;
  if (!hasData && !dataException && (cause === undefined || cause === null)) return error;
  // A plain copy: pino's serialized errors are plain objects; a live Error keeps its prototype's name.
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source))
    if (!(DATA_FIELDS as readonly string[]).includes(key)) copy[key] = source[key];
  for (const key of ['name', 'message', 'stack', 'code'])
    if (key in source && !(key in copy)) copy[key] = source[key];
  if (dataException) {
    // The message, and the stack's first line, which repeats it.
    copy.message = String(source.message).replace(/"[^"]*"/g, '"…"');
    if (typeof source.stack === 'string') {
      const [first = '', ...frames] = source.stack.split('\n');
      copy.stack = [first.replace(/"[^"]*"/g, '"…"'), ...frames].join('\n');
    }
  }
  if (cause !== undefined && cause !== null) copy.cause = logSafeError(cause, depth + 1);
  return copy as T;
}
