const DAY = 86_400_000;

export interface RetrievalWindowContext {
  /** When the sync was created. */
  createdAt: Date;
  /** How far back the connector can read (Zoho Invoice: 30); none means no limit. */
  maxLookbackDays?: number | null;
}

/** A `retrieveFrom` the connector cannot honour. */
export class RetrievalWindowError extends Error {
  override readonly name = 'RetrievalWindowError';
}

/** The earliest `retrieveFrom` allowed: sync creation minus `maxLookbackDays` days; null when unlimited. */
export function earliestRetrieveFrom(context: RetrievalWindowContext): Date | null {
  const days = context.maxLookbackDays;
  if (days === null || days === undefined) return null;
  return new Date(context.createdAt.getTime() - days * DAY);
}

/**
 * Checks "Data to be retrieved" (DESIGN.md section 3): a `retrieveFrom` earlier than the sync's creation
 * minus the connector's `maxLookbackDays` is refused. Returns the error message, or null when it is fine.
 */
export function validateRetrieveFrom(retrieveFrom: Date, context: RetrievalWindowContext): string | null {
  if (Number.isNaN(retrieveFrom.getTime())) return 'retrieveFrom is not a valid date';
  const earliest = earliestRetrieveFrom(context);
  if (earliest === null || retrieveFrom.getTime() >= earliest.getTime()) return null;
  return (
    `retrieveFrom ${retrieveFrom.toISOString()} is too far back: this connector reads at most ` +
    `${context.maxLookbackDays} days before the sync was created, so the earliest is ${earliest.toISOString()}`
  );
}

/** `validateRetrieveFrom`, throwing `RetrievalWindowError`. */
export function assertRetrieveFrom(retrieveFrom: Date, context: RetrievalWindowContext): void {
  const message = validateRetrieveFrom(retrieveFrom, context);
  if (message !== null) throw new RetrievalWindowError(message);
}
