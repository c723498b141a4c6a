/** What a run did with one source record (DESIGN.md section 2); the database's `run_outcome` enum is this list. */
export const OUTCOMES = ['new', 're_added', 'duplicate', 'ignored', 'deleted'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Why a record was ignored; the database's `ignored_reason` enum is this list. */
export const IGNORED_REASONS = [
  'bounced',
  'do_not_mail',
  'group_email',
  'file_duplicate',
  'empty_email',
  'invalid_pattern',
] as const;
export type IgnoredReason = (typeof IGNORED_REASONS)[number];

/** An existing lead's status. */
export const LEAD_STATUSES = ['active', 'deleted', 'bounced', 'do_not_mail'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** The outcome of one source record. */
export interface ClassifiedRecord {
  sourceId: string;
  /**
   * The normalized address when it parsed (even when ignored as a typo, a role or a duplicate);
   * the value as given, trimmed, when it did not; undefined when there was none.
   */
  email: string | undefined;
  outcome: Outcome;
  /** Set exactly when `outcome` is `ignored`. */
  reason: IgnoredReason | undefined;
  /** For `invalid_pattern` typos: the address with the intended domain. */
  suggestion: string | undefined;
}
