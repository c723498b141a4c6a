import { logSafeError } from '@leadsync/db';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The one way a Leadsync process makes its pino logger (API, worker, CLI): errors are logged through logSafeError,
 * so no log line carries the data a PostgreSQL error quotes (lead emails, jsonb text, SQL parameters).
 */
export function createLogger(
  level: string,
  base: Record<string, unknown>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base,
    serializers: { err: (error: unknown) => logSafeError(pino.stdSerializers.err(error as Error)) },
  };
  return destination ? pino(options, destination) : pino(options);
}
