// The wizard's model without React: the answers, their validation and their conversion to and from the API.
// Over 300 lines for a reason: it is the one home of a sync's form rules (details, mapping, schedule, criteria,
// drafts), shared by the wizard and the run page's edit panels; split, each rule would need the others' types.

import type {
  CreateSyncInput,
  CriteriaGroup,
  CriteriaOp,
  CriteriaRule,
  FieldMapping,
  Frequency,
  ImportMode,
  ScheduleInput,
  SourceField,
} from '../api/types.ts';
import {
  dateToInstant,
  earliestRetrievalDate,
  instantToDate,
  isKnownTimeZone,
  isoDate,
  lastDayOfMonth,
} from '../lib/format.ts';

// The wizard's state and its checks, kept free of React so they are easy to test and reuse
// (the sync page's "Edit mapping" and "Edit retrieval details" use the same editors and rules).

export type Errors = Record<string, string>;

let nextId = 0;
export function draftId(): string {
  nextId += 1;
  return `d${nextId}`;
}

export interface RuleDraft {
  kind: 'rule';
  id: string;
  field: string;
  op: CriteriaOp;
  value: string;
}

export interface GroupDraft {
  kind: 'group';
  id: string;
  match: 'all' | 'any';
  rules: (RuleDraft | GroupDraft)[];
}

export const criteriaOps: { op: CriteriaOp; label: string; needsValue: boolean }[] = [
  { op: 'is', label: 'is', needsValue: true },
  { op: 'is_not', label: 'is not', needsValue: true },
  { op: 'contains', label: 'contains', needsValue: true },
  { op: 'not_contains', label: 'does not contain', needsValue: true },
  { op: 'starts_with', label: 'starts with', needsValue: true },
  { op: 'ends_with', label: 'ends with', needsValue: true },
  { op: 'is_empty', label: 'is empty', needsValue: false },
  { op: 'is_not_empty', label: 'is not empty', needsValue: false },
  { op: 'in', label: 'is one of (comma-separated)', needsValue: true },
  { op: 'before', label: 'is before (date)', needsValue: true },
  { op: 'after', label: 'is after (date)', needsValue: true },
];

export function opNeedsValue(op: CriteriaOp): boolean {
  return criteriaOps.find((o) => o.op === op)?.needsValue ?? true;
}

export function newRule(field = ''): RuleDraft {
  return { kind: 'rule', id: draftId(), field, op: 'is', value: '' };
}

export function newGroup(match: 'all' | 'any' = 'all', withRule = true): GroupDraft {
  return { kind: 'group', id: draftId(), match, rules: withRule ? [newRule()] : [] };
}

function isGroup(x: CriteriaRule | CriteriaGroup): x is CriteriaGroup {
  return Array.isArray((x as CriteriaGroup).rules);
}

/** The API's criteria JSON → editable drafts. */
export function criteriaToDraft(criteria: CriteriaGroup | null | undefined): GroupDraft {
  if (!criteria || !Array.isArray(criteria.rules)) return newGroup();
  return {
    kind: 'group',
    id: draftId(),
    match: criteria.match === 'any' ? 'any' : 'all',
    rules: criteria.rules.map((r) =>
      isGroup(r)
        ? criteriaToDraft(r)
        : {
            kind: 'rule' as const,
            id: draftId(),
            field: r.field,
            op: r.op,
            value: Array.isArray(r.value) ? r.value.join(', ') : (r.value ?? ''),
          },
    ),
  };
}

/** Editable drafts → the API's criteria JSON (DESIGN.md section 7). */
export function draftToCriteria(group: GroupDraft): CriteriaGroup {
  return {
    match: group.match,
    rules: group.rules.map((r) => {
      if (r.kind === 'group') return draftToCriteria(r);
      if (!opNeedsValue(r.op)) return { field: r.field, op: r.op };
      if (r.op === 'in') {
        return {
          field: r.field,
          op: r.op,
          value: r.value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean),
        };
      }
      return { field: r.field, op: r.op, value: r.value };
    }),
  };
}

export function validateCriteria(group: GroupDraft): string | null {
  if (group.rules.length === 0) return 'Add at least one condition, or choose "All leads".';
  for (const r of group.rules) {
    if (r.kind === 'group') {
      const nested = validateCriteria(r);
      if (nested) return nested;
    } else {
      if (!r.field) return 'Choose a field for every condition.';
      if (opNeedsValue(r.op) && r.value.trim() === '')
        return 'Give a value for every condition that needs one.';
    }
  }
  return null;
}

// ---------- mapping ----------

export interface MappingRow {
  id: string;
  /** `email`, `firstName`, `lastName` or `fields.<name>`. */
  target: string;
  source: string;
  fixed: boolean;
}

export const fixedTargets: { target: string; label: string; required: boolean }[] = [
  { target: 'email', label: 'Email', required: true },
  { target: 'firstName', label: 'First name', required: false },
  { target: 'lastName', label: 'Last name', required: false },
];

export function defaultMapping(): MappingRow[] {
  return fixedTargets.map((t) => ({ id: draftId(), target: t.target, source: '', fixed: true }));
}

export function mappingFromApi(mapping: FieldMapping[]): MappingRow[] {
  const rows = defaultMapping();
  for (const m of mapping) {
    const fixed = rows.find((r) => r.fixed && r.target === m.target);
    if (fixed) fixed.source = m.source;
    else rows.push({ id: draftId(), target: m.target, source: m.source, fixed: false });
  }
  return rows;
}

const guesses: Record<string, RegExp[]> = {
  email: [/^e-?mail$/i, /^(primary[ _.-]?)?e-?mail([ _.-]?address)?$/i, /e-?mail/i],
  firstName: [/^first[ _.-]?name$/i, /^(given|fore)[ _.-]?name$/i, /first/i],
  lastName: [/^last[ _.-]?name$/i, /^(sur|family[ _.-]?)name$/i, /last|surname/i],
};

/** Pre-maps email, first and last name to the source fields whose key or label says so. */
export function premap(rows: MappingRow[], fields: SourceField[]): MappingRow[] {
  const taken = new Set(rows.map((r) => r.source).filter(Boolean));
  return rows.map((row) => {
    if (!row.fixed || row.source) return row;
    for (const pattern of guesses[row.target] ?? []) {
      const hit = fields.find((f) => !taken.has(f.key) && (pattern.test(f.key) || pattern.test(f.label)));
      if (hit) {
        taken.add(hit.key);
        return { ...row, source: hit.key };
      }
    }
    return row;
  });
}

export function customName(target: string): string {
  return target.startsWith('fields.') ? target.slice('fields.'.length) : target;
}

export function validateMapping(rows: MappingRow[]): Errors {
  const errors: Errors = {};
  const email = rows.find((r) => r.target === 'email');
  if (!email?.source)
    errors['mapping.email'] = 'Map a source field to Email: a lead cannot exist without one.';
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.fixed) continue;
    const name = customName(row.target);
    if (!row.source) errors[`mapping.${row.id}`] = 'Choose the source field for this row, or remove the row.';
    else if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
      errors[`mapping.${row.id}`] =
        'Name the lead field with letters, digits and _ (starting with a letter).';
    else if (seen.has(name)) errors[`mapping.${row.id}`] = `The lead field "${name}" is mapped twice.`;
    seen.add(name);
  }
  return errors;
}

export function mappingToApi(rows: MappingRow[]): FieldMapping[] {
  return rows.filter((r) => r.source).map((r) => ({ source: r.source, target: r.target }));
}

// ---------- schedule ----------

export interface ScheduleDraft {
  frequency: Frequency;
  time: string;
  timeZone: string;
  weekday: number;
  dayOfMonth: number;
}

export function scheduleFromApi(s: ScheduleInput | null | undefined, fallbackZone: string): ScheduleDraft {
  return {
    frequency: s?.frequency ?? 'DAILY',
    time: s?.time ?? '09:00',
    timeZone: s?.timeZone ?? fallbackZone,
    weekday: s?.weekday ?? 1,
    dayOfMonth: s?.dayOfMonth ?? 1,
  };
}

export function scheduleToApi(s: ScheduleDraft): ScheduleInput {
  return {
    frequency: s.frequency,
    time: s.time === '' ? null : s.time,
    timeZone: s.timeZone,
    weekday: s.frequency === 'WEEKLY' ? s.weekday : null,
    dayOfMonth: s.frequency === 'MONTHLY' ? s.dayOfMonth : null,
  };
}

/**
 * `windowStart` is what the look-back is measured from: the sync's creation once it exists (as the API measures
 * it), now for a sync not yet created.
 */
export function validateSchedule(
  s: ScheduleDraft,
  retrieveFrom: string,
  maxLookbackDays: number | null,
  zones: readonly string[],
  now: Date = new Date(),
  windowStart: Date = now,
): Errors {
  const errors: Errors = {};
  if (s.time === '') {
    if (s.frequency !== 'ONCE') errors['schedule.time'] = 'Choose the time of day to run.';
  } else if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(s.time))
    errors['schedule.time'] = 'Write the time as HH:mm, for example 09:30.';
  if (!s.timeZone) errors['schedule.timeZone'] = 'Choose a time zone.';
  else if (zones.length > 0 && !zones.includes(s.timeZone) && !isKnownTimeZone(s.timeZone))
    errors['schedule.timeZone'] = `"${s.timeZone}" is not a time zone this browser knows.`;
  if (s.frequency === 'WEEKLY' && !(s.weekday >= 0 && s.weekday <= 7))
    errors['schedule.weekday'] = 'Choose a day.';
  if (
    s.frequency === 'MONTHLY' &&
    !(s.dayOfMonth === lastDayOfMonth || (s.dayOfMonth >= 1 && s.dayOfMonth <= 31))
  )
    errors['schedule.dayOfMonth'] = 'Choose a day of the month.';
  if (retrieveFrom) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(retrieveFrom)) errors.retrieveFrom = 'Choose a date.';
    else if (retrieveFrom > isoDate(now)) errors.retrieveFrom = 'The date cannot be in the future.';
    else if (maxLookbackDays !== null && retrieveFrom < earliestRetrievalDate(maxLookbackDays, windowStart))
      errors.retrieveFrom = `This source keeps changes for ${maxLookbackDays} days: choose ${earliestRetrievalDate(
        maxLookbackDays,
        windowStart,
      )} or later.`;
  }
  return errors;
}

// ---------- the whole wizard ----------

export interface WizardState {
  name: string;
  connectionId: string;
  sourceOrganizationId: string;
  importMode: ImportMode;
  criteria: GroupDraft;
  mailingListId: string;
  mapping: MappingRow[];
  schedule: ScheduleDraft;
  /** YYYY-MM-DD in the browser's zone; '' = everything (only for a source without a look-back limit). */
  retrieveFrom: string;
  /** The instant a saved draft has, sent back unchanged while the day is unchanged (it need not be a midnight). */
  savedRetrieveFrom: string | null;
  /** When the draft was created (the look-back is measured from it); null before it is saved. */
  createdAt: string | null;
  /** Read only the records the source calls active (a connector with `activeOnlyReads`). */
  activeRecordsOnly: boolean;
}

export function initialWizardState(timeZone: string): WizardState {
  return {
    name: '',
    connectionId: '',
    sourceOrganizationId: '',
    importMode: 'ALL',
    criteria: newGroup(),
    mailingListId: '',
    mapping: defaultMapping(),
    schedule: scheduleFromApi(null, timeZone),
    retrieveFrom: '',
    savedRetrieveFrom: null,
    createdAt: null,
    activeRecordsOnly: false,
  };
}

/** A saved draft, as the API returns it (`syncDraftQuery`). */
export interface SavedDraft {
  id: string;
  name: string;
  status: string;
  importMode: ImportMode;
  sourceOrganizationId: string;
  criteria: CriteriaGroup | null;
  retrieveFrom: string | null;
  createdAt?: string | null;
  setupStep: number | null;
  connection: { id: string };
  mailingList: { id: string };
  fieldMapping: FieldMapping[];
  schedule: ScheduleInput;
  activeRecordsOnly?: boolean;
}

/** The wizard's answers from a saved draft, to continue where it was left. */
export function stateFromDraft(d: SavedDraft, fallbackZone: string): WizardState {
  return {
    name: d.name,
    connectionId: d.connection.id,
    sourceOrganizationId: d.sourceOrganizationId,
    importMode: d.importMode,
    criteria: d.importMode === 'CRITERIA' ? criteriaToDraft(d.criteria) : newGroup(),
    mailingListId: d.mailingList.id,
    mapping: mappingFromApi(d.fieldMapping),
    schedule: scheduleFromApi(d.schedule, fallbackZone),
    retrieveFrom: instantToDate(d.retrieveFrom),
    savedRetrieveFrom: d.retrieveFrom,
    createdAt: d.createdAt ?? null,
    activeRecordsOnly: d.activeRecordsOnly ?? false,
  };
}

/** The step a saved draft reopens at. */
export function stepOfDraft(d: Pick<SavedDraft, 'setupStep'>): number {
  const step = d.setupStep ?? 0;
  return Math.min(Math.max(step, 0), steps.length - 1);
}

/** The retrieval day the wizard checks: none when it is the saved draft's own (the API accepted it). */
export function retrievalDayToCheck(s: WizardState): string {
  return s.savedRetrieveFrom !== null && s.retrieveFrom === instantToDate(s.savedRetrieveFrom)
    ? ''
    : s.retrieveFrom;
}

/**
 * What the console says before a change of criteria, mapping or retrieval date is saved on a sync that has run:
 * the next run reads the whole window again (DESIGN.md §3).
 */
export function rereadNotice(
  what: string,
  retrieveFrom: string | null,
  format: (iso: string) => string,
): string {
  const since = retrieveFrom ? `since ${format(retrieveFrom)}` : 'the source has';
  return (
    `After a change of ${what}, the next run re-reads everything ${since}, not only what changed at the ` +
    'source, so the change reaches the leads already imported.'
  );
}

export function validateDetails(s: WizardState): Errors {
  const errors: Errors = {};
  if (s.name.trim() === '') errors.name = 'Describe the sync, for example "Zoho customers to Newsletter".';
  if (!s.connectionId) errors.connectionId = 'Choose a connection, or add one.';
  if (!s.sourceOrganizationId) errors.sourceOrganizationId = 'Choose the organization to read from.';
  if (s.importMode === 'CRITERIA') {
    const problem = validateCriteria(s.criteria);
    if (problem) errors.criteria = problem;
  }
  if (!s.mailingListId) errors.mailingListId = 'Choose the mailing list to import into, or create one.';
  return errors;
}

export function buildCreateSyncInput(s: WizardState, setupStep?: number): CreateSyncInput {
  const keepSaved = s.savedRetrieveFrom !== null && s.retrieveFrom === instantToDate(s.savedRetrieveFrom);
  // Before the mapping step a draft may be saved without a mapping (the API needs email mapped after it).
  const mapping = mappingToApi(s.mapping);
  const unmapped = setupStep !== undefined && setupStep <= 1 && !mapping.some((m) => m.target === 'email');
  return {
    ...(setupStep === undefined ? {} : { setupStep }),
    name: s.name.trim(),
    connectionId: s.connectionId,
    sourceOrganizationId: s.sourceOrganizationId,
    importMode: s.importMode,
    criteria: s.importMode === 'CRITERIA' ? draftToCriteria(s.criteria) : null,
    mailingListId: s.mailingListId,
    fieldMapping: unmapped ? [] : mapping,
    schedule: scheduleToApi(s.schedule),
    retrieveFrom: keepSaved ? s.savedRetrieveFrom : s.retrieveFrom ? dateToInstant(s.retrieveFrom) : null,
    ...(s.activeRecordsOnly ? { activeRecordsOnly: true } : {}),
  };
}

export const steps = ['Details', 'Field mapping', 'Schedule', 'Review'] as const;

/** Which step shows an error the API raised about a field of `CreateSyncInput`. */
export function stepOfField(field: string | null): number {
  if (!field) return 3;
  if (field.startsWith('fieldMapping') || field.startsWith('mapping')) return 1;
  if (field.startsWith('schedule') || field.startsWith('retrieveFrom')) return 2;
  if (
    ['name', 'connectionId', 'sourceOrganizationId', 'importMode', 'criteria', 'mailingListId'].some((f) =>
      field.startsWith(f),
    )
  )
    return 0;
  return 3;
}

/** The key under which the wizard shows an API error about `field`. */
export function errorKeyOfField(field: string | null): string {
  if (!field) return 'form';
  if (field.startsWith('fieldMapping')) return 'fieldMapping';
  const exact = ['schedule.time', 'schedule.timeZone', 'schedule.weekday', 'schedule.dayOfMonth'];
  const hit = exact.find((f) => field === f || field.startsWith(`${f}.`));
  if (hit) return hit;
  if (field.startsWith('schedule')) return 'schedule';
  const top = field.split('.')[0] ?? field;
  return top;
}
