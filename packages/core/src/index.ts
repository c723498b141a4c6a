// @leadsync/core: pure rules of Leadsync (no I/O; runs in Node and in the browser).

export {
  type ClassifyBatchResult,
  type ClassifyInput,
  type ClassifyOptions,
  classifyBatch,
  type LeadStatusLookup,
} from './classify/classify-batch.ts';
export {
  type ClassifiedRecord,
  IGNORED_REASONS,
  type IgnoredReason,
  LEAD_STATUSES,
  type LeadStatus,
  OUTCOMES,
  type Outcome,
} from './classify/outcome.ts';
export {
  createRunState,
  type RunState,
  type RunStateSnapshot,
  snapshotRunState,
} from './classify/run-state.ts';
export {
  addTotals,
  breakdownKey,
  countOutcome,
  emptyTotals,
  type IgnoredBreakdown,
  type RunTotals,
  totalsViolations,
} from './classify/totals.ts';
export {
  checkEmail,
  createEmailChecker,
  type EmailCheck,
  type EmailChecker,
  type EmailCheckOptions,
  type EmailStatus,
  MAX_ADDRESS_LENGTH,
  MAX_LOCAL_LENGTH,
} from './email/check.ts';
export { editDistance } from './email/distance.ts';
export { hashNormalizedEmail } from './email/hash.ts';
export { REAL_MAIL_DOMAINS, SUGGESTION_TARGETS } from './email/known-domains.ts';
export { DEFAULT_ROLE_LOCAL_PARTS, roleSet } from './email/roles.ts';
export { compileRoles, type RoleTable } from './email/scan.ts';
export { isKnownRealDomain, suggestDomain } from './email/typo.ts';
