const DAY = 86_400_000;

export interface RetrievalWindowContext {
  /** When the sync was created. */
  createdAt: Date;
  /** How far back the connector can read (Zoho Invoice: 30); none means no limit. */
  maxLookbackDays?: number | null;
}

/** The earliest `retrieveFrom` allowed: sync creation minus `maxLookbackDays` days; null when unlimited. */
export function earliestRetrieveFrom(context: RetrievalWindowContext): Date | null {
  const days = context.maxLookbackDays;
  if (days === null || days === undefined) return null;
  return new Date(context.createdAt.getTime() - days * DAY);
}

/**
 * Checks "Data to be retrieved" (DESIGN.md section 3), the one home of the rule for the API and the engine: a
 * `retrieveFrom` earlier than the sync's creation minus the connector's `maxLookbackDays` is refused. Returns the
 * sentence for a person (naming `sourceName`), or null when it is fine.
 */
export function validateRetrieveFrom(
  retrieveFrom: Date,
  context: RetrievalWindowContext,
  sourceName = 'This source',
): string | null {
  if (Number.isNaN(retrieveFrom.getTime())) return 'retrieveFrom is not a valid date';
  const earliest = earliestRetrieveFrom(context);
  if (earliest === null || retrieveFrom.getTime() >= earliest.getTime()) return null;
  return (
    `${sourceName} lets a sync retrieve data from at most ${context.maxLookbackDays} days before the sync was ` +
    `created: choose ${earliest.toISOString()} or later`
  );
}
