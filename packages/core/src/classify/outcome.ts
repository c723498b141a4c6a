/** What a run did with one source record (DESIGN.md section 2). */
export type Outcome = 'new' | 're_added' | 'duplicate' | 'ignored' | 'deleted';

/** Why a record was ignored. */
export type IgnoredReason =
  | 'bounced'
  | 'do_not_mail'
  | 'group_email'
  | 'file_duplicate'
  | 'empty_email'
  | 'invalid_pattern';

/** An existing lead's status. */
export type LeadStatus = 'active' | 'deleted' | 'bounced' | 'do_not_mail';

export const OUTCOMES: readonly Outcome[] = ['new', 're_added', 'duplicate', 'ignored', 'deleted'];
export const IGNORED_REASONS: readonly IgnoredReason[] = [
  'bounced',
  'do_not_mail',
  'group_email',
  'file_duplicate',
  'empty_email',
  'invalid_pattern',
];
export const LEAD_STATUSES: readonly LeadStatus[] = ['active', 'deleted', 'bounced', 'do_not_mail'];

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
