// TypeScript mirrors of the GraphQL contract (DESIGN.md section 7). The console knows only that schema.
// Over 300 lines for a reason: the whole contract in one file, type after type, as the SDL has it.
// The outcome lists and the totals are core's (the API's enums are their values in capitals); the import is of
// types alone, so nothing of core reaches the browser.

import type {
  IgnoredReason as CoreIgnoredReason,
  LeadStatus as CoreLeadStatus,
  Outcome as CoreOutcome,
  RunTotals as CoreRunTotals,
  IgnoredBreakdown,
} from '@leadsync/core';

export type ImportMode = 'ALL' | 'CRITERIA';
export type Frequency = 'ONCE' | 'DAILY' | 'WEEKLY' | 'MONTHLY';
export type SyncStatus = 'DRAFT' | 'ACTIVE' | 'INACTIVE';
export type RunStatus = 'QUEUED' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED';
export type Outcome = Uppercase<CoreOutcome>;
export type IgnoredReason = Uppercase<CoreIgnoredReason>;
export type ConnectionStatus = 'ACTIVE' | 'NEEDS_NEW_KEY' | 'NEEDS_PERMISSION';
export type LeadStatus = Uppercase<CoreLeadStatus>;

export interface Connector {
  id: string;
  displayName: string;
  maxLookbackDays: number | null;
  detectsDeletes: boolean;
  /** A sync may read only the records the source calls active (when the API offers it). */
  activeOnlyReads?: boolean;
  /** The connection form as data (when the API offers it); null: the connector gives none. */
  spec?: ConnectionSpec | null;
}

/** One field of a connection form: a JSON Schema property with the hints a form needs (`Connector.spec`). */
export interface SpecProperty {
  type: 'string' | 'number' | 'integer' | 'boolean';
  title: string;
  description?: string;
  /** A secret: sent once, never shown again. */
  writeOnly?: boolean;
  oneOf?: { const: string; title: string }[];
  default?: string | number | boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** `file-upload`: the id of an uploaded file; `uri`, `email`: what the text must be. */
  format?: string;
  accept?: string;
  fileNameKey?: string;
  advanced?: boolean;
  placeholder?: string;
}

export interface SpecObject {
  type: 'object';
  properties: Record<string, SpecProperty>;
  required?: string[];
}

export interface ConnectionSpec {
  /** What to do at the source first, one step a line. */
  help?: string;
  links?: { title: string; url: string }[];
  credentials: SpecObject;
  settings: SpecObject;
  /** The credential that is the account key: the one a new key must give. */
  accountKey?: string;
}

/** What a connector detected in proposed settings (an uploaded file's encoding, delimiter, …). */
export interface SettingsPreview {
  settings: Record<string, unknown>;
  options: {
    key: string;
    label: string;
    value: string;
    detected: boolean;
    choices: { value: string; label: string }[];
  }[];
  columns: string[];
  rows: string[][];
  estimatedRecords: number | null;
}

export interface Connection {
  id: string;
  connector: string;
  name: string;
  status: ConnectionStatus;
  primaryEmail: string | null;
  maskedKey: string | null;
  /** Why it needs a new key (only when the API offers it). */
  statusReason?: string | null;
}

export interface SourceOrganization {
  id: string;
  name: string;
}

export interface SourceField {
  key: string;
  label: string;
  type: string;
  /** `list` (comes with every page) or `detail` (needs a request per new or changed record). */
  availability?: string | null;
}

export interface MailingList {
  id: string;
  name: string;
  leadCount: number;
}

export interface FieldMapping {
  source: string;
  target: string;
}

export interface Schedule {
  frequency: Frequency;
  time: string | null;
  timeZone: string;
  weekday: number | null;
  dayOfMonth: number | null;
}

/** GraphQL's `RunTotals`: core's totals; the breakdown is a field of its own (`SyncRunSummary.ignoredBreakdown`). */
export type RunTotals = Omit<CoreRunTotals, 'ignoredBreakdown'>;
export type { IgnoredBreakdown };

export interface RunProgress {
  read: number;
  processed: number;
}

export interface RunRecord {
  sourceId: string;
  email: string | null;
  outcome: Outcome;
  reason: IgnoredReason | null;
  suggestion: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection_<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface SyncRunSummary {
  id: string;
  status: RunStatus;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  totals: RunTotals;
  ignoredBreakdown: IgnoredBreakdown;
  /** Only when the API offers the "beyond" fields. */
  progress?: RunProgress | null;
  dryRun?: boolean | null;
  undoneAt?: string | null;
  /** Deletions the mass-deletion guard held back; `warning` says why. */
  heldDeletions?: number | null;
  warning?: string | null;
  undoReport?: UndoReport | null;
  /** WAITING: when the run goes on by itself, and why (a source's daily quota). */
  waitingUntil?: string | null;
  waitingReason?: string | null;
  /** false: the run did not look for deletions (the period is not over, or the quota is low). */
  deletionsChecked?: boolean | null;
  /** Source records the run could not read and skipped, and why (the first 100 reasons, each naming its line). */
  rejectedCount?: number | null;
  rejections?: string[] | null;
}

export type UndoKeptReason =
  | 'SUPPRESSED'
  | 'CHANGED_AFTER_RUN'
  | 'HELD_BY_OTHER_SYNC'
  | 'HELD_BY_PERSON'
  | 'ON_OTHER_LIST';

export interface UndoReport {
  reversed: number;
  kept: number;
  keptByReason: { reason: UndoKeptReason; count: number }[];
}

/** A criteria group as DESIGN.md section 7 defines the JSON. */
export interface CriteriaRule {
  field: string;
  op: CriteriaOp;
  value?: string | string[];
}
export interface CriteriaGroup {
  match: 'all' | 'any';
  rules: (CriteriaRule | CriteriaGroup)[];
}
export type CriteriaOp =
  | 'is'
  | 'is_not'
  | 'contains'
  | 'not_contains'
  | 'starts_with'
  | 'ends_with'
  | 'is_empty'
  | 'is_not_empty'
  | 'in'
  | 'before'
  | 'after';

export interface SyncSummary {
  id: string;
  name: string;
  status: SyncStatus;
  inactiveReason: string | null;
  connection: Pick<Connection, 'id' | 'name' | 'connector' | 'status'>;
  sourceOrganizationId: string;
  importMode: ImportMode;
  mailingList: Pick<MailingList, 'id' | 'name'>;
  schedule: Schedule;
  nextRunAt: string | null;
  lastRun: SyncRunSummary | null;
  /** A draft's wizard step to continue at (only when the API offers drafts). */
  setupStep?: number | null;
}

export interface SyncDetail extends SyncSummary {
  criteria: CriteriaGroup | null;
  fieldMapping: FieldMapping[];
  retrieveFrom: string | null;
  createdAt?: string | null;
  updatePolicy?: 'OVERWRITE' | 'FILL_EMPTY' | 'NEVER' | null;
  deletionGuardPercent?: number | null;
  deletionsConfirmed?: boolean | null;
  /** The next run reads the whole retrieval window (only when the API offers it). */
  fullRereadPending?: boolean | null;
  runs: Connection_<SyncRunSummary>;
}

/** `syncCostEstimate`: what a run would cost at the source now. */
export interface CostEstimate {
  records: number;
  requests: number;
  listRequests: number | null;
  detailRequests: number | null;
  note: string | null;
  /** With `capabilities.costQuota`: the full listing that looks for deletions (0: not due). */
  deletionRequests?: number | null;
  /** `about`, or `unknown` when the figures are a lower bound only. */
  accuracy?: string | null;
  /** The source account's daily quota as last seen; null: not known; absent: the API does not tell. */
  dailyQuota?: { limit: number; remaining: number; resetAt: string } | null;
}

export interface Lead {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  status: LeadStatus;
  fields: Record<string, unknown>;
}

export interface ScheduleInput {
  frequency: Frequency;
  time: string | null;
  timeZone: string;
  weekday: number | null;
  dayOfMonth: number | null;
}

export interface CreateSyncInput {
  name: string;
  connectionId: string;
  sourceOrganizationId: string;
  importMode: ImportMode;
  criteria: CriteriaGroup | null;
  mailingListId: string;
  fieldMapping: FieldMapping[];
  schedule: ScheduleInput;
  retrieveFrom: string | null;
  /** Only the records the source calls active (sent only when true: the API's default is false). */
  activeRecordsOnly?: boolean;
  /** A draft saved part-way: the step to continue at (sent only when the API offers drafts). */
  setupStep?: number;
}

export type WebhookEvent = 'RUN_SUCCEEDED' | 'RUN_FAILED' | 'CONNECTION_NEEDS_NEW_KEY';
export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface WebhookDelivery {
  id: string;
  event: WebhookEvent;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  /** Only in the answer of createWebhook; null everywhere else. */
  secret: string | null;
  createdAt: string;
  deliveries: WebhookDelivery[];
}

export type TimelineEventKind =
  | 'RUN_RECORD'
  | 'UNDO'
  | 'STATUS_CHANGED'
  | 'MEMBERSHIP_ADDED'
  | 'MEMBERSHIP_REMOVED';

export interface TimelineEvent {
  kind: TimelineEventKind;
  at: string;
  sync: { id: string; name: string | null } | null;
  runId: string | null;
  runNumber: number | null;
  outcome: Outcome | null;
  reason: IgnoredReason | null;
  suggestion: string | null;
  email: string | null;
  fromStatus: LeadStatus | null;
  toStatus: LeadStatus | null;
  mailingList: { id: string; name: string | null } | null;
  apiKeyName: string | null;
}

export interface LeadTimeline {
  email: string;
  lead: Lead | null;
  lists: {
    mailingList: { id: string; name: string | null };
    addedAt: string;
    addedBy: { id: string; name: string | null } | null;
  }[];
  createdBy: {
    at: string;
    sync: { id: string; name: string | null } | null;
    runId: string | null;
    apiKeyName: string | null;
  } | null;
  historyPrunedBefore?: string | null;
  events: Connection_<TimelineEvent>;
}
