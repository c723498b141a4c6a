// @leadsync/core: pure rules of Leadsync (no I/O; runs in Node and in the browser).

export {
  type ClassifyBatchResult,
  type ClassifyInput,
  type ClassifyOptions,
  classifyBatch,
  type LeadStatusLookup,
  SEEN_EARLIER_IN_RUN,
} from './classify/classify-batch.ts';
export { EmailSet } from './classify/email-set.ts';
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
  BREAKDOWN_KEYS,
  breakdownKey,
  COUNT_KEYS,
  countOutcome,
  emptyTotals,
  type IgnoredBreakdown,
  type RunTotals,
  totalsViolations,
} from './classify/totals.ts';
export {
  type CriteriaPredicate,
  compileCriteria,
  evaluateCriteria,
} from './criteria/evaluate.ts';
export {
  CRITERIA_LIMITS,
  CRITERIA_OPS,
  type Criteria,
  type CriteriaGroup,
  type CriteriaOp,
  type CriteriaRule,
  criteriaFields,
  criteriaRuleSchema,
  criteriaSchema,
  isCriteriaGroup,
  MAX_CRITERIA_DEPTH,
} from './criteria/schema.ts';
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
export { editDistance, keyboardSubstitutionCost, typoDistance } from './email/distance.ts';
export { hashNormalizedEmail } from './email/hash.ts';
export { REAL_MAIL_DOMAINS, SUGGESTION_TARGETS } from './email/known-domains.ts';
export { DEFAULT_ROLE_LOCAL_PARTS, roleSet } from './email/roles.ts';
export { compileRoles, type RoleTable } from './email/scan.ts';
export { isKnownRealDomain, suggestDomain } from './email/typo.ts';
export {
  type AllowedHost,
  AllowedHostsError,
  formatAllowedHost,
  isUrlAllowed,
  loopbackPortHosts,
  parseAllowedHost,
  parseAllowedHosts,
} from './hosts/allowed-hosts.ts';
export { compileMapping, isBlank, type MappedValues, type Mapper } from './mapping/compile.ts';
export {
  type FieldMapping,
  type FieldMappingEntry,
  fieldMappingEntrySchema,
  fieldMappingSchema,
  mappingTargetSchema,
} from './mapping/schema.ts';
export { defaultFieldMapping, type MappingIssue, validateMapping } from './mapping/validate.ts';
export { csvField, csvLine, RECORDS_CSV_HEADER } from './report/csv.ts';
export { instantOfLocalTime } from './schedule/local-time.ts';
export { describeSchedule, type NextRunOptions, nextRunAt } from './schedule/next-run.ts';
export {
  earliestRetrieveFrom,
  type RetrievalWindowContext,
  validateRetrieveFrom,
} from './schedule/retrieval-window.ts';
export {
  FREQUENCIES,
  type Frequency,
  LAST_DAY_OF_MONTH,
  parseSchedule,
  type Schedule,
  ScheduleError,
  scheduleSchema,
  scheduleTimeSchema,
  timeZoneSchema,
} from './schedule/schema.ts';
export { type DateValue, isEmptyValue, toBoolean, toDateValue, toNumber, toText } from './values/coerce.ts';
export { getField } from './values/field-path.ts';
export { FIELD_TYPES, type FieldType, type FieldTypes } from './values/field-type.ts';
export { isoFromMillis } from './values/iso-time.ts';
export { firstUnstorableIndex, isUnstorableText, storableText, storableValue } from './values/storable.ts';
