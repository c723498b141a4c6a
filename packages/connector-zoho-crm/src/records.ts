import {
  type FieldDescriptor,
  type FieldType,
  InvalidConfigurationError,
  type SourceRecord,
} from '@leadsync/connector-sdk';
import { z } from 'zod';

/** Zoho returns at most this many field API names' values per records request (README, R2). */
export const MAX_FIELDS_PER_REQUEST = 50;
/** Longest text kept from one value (a multi-line text area can hold 32,000 characters). */
const MAX_VALUE_CHARS = 32_000;

/** One field of `GET /settings/fields?module=` (README, F1); only what the connector uses. */
export const fieldMetaSchema = z.object({
  api_name: z.string().min(1).max(100),
  field_label: z.string().max(300).optional(),
  display_label: z.string().max(300).optional(),
  data_type: z.string().max(50),
  custom_field: z.boolean().optional(),
});
export type FieldMeta = z.infer<typeof fieldMetaSchema>;

export const fieldsEnvelopeSchema = z.object({ fields: z.array(z.unknown()).max(5_000) });

/** Data types whose values a records list does not carry as a value a lead can hold (README, F2; ASSUMED list). */
const UNLISTED_TYPES = new Set([
  'subform',
  'fileupload',
  'imageupload',
  'profileimage',
  'multi_module_lookup',
]);

/** What a criteria rule compares a field as (README, F2: Zoho's `data_type` values). */
export function fieldTypeOf(dataType: string): FieldType {
  switch (dataType) {
    case 'email':
      return 'email';
    case 'integer':
    case 'bigint':
    case 'double':
    case 'currency':
    case 'percent':
    case 'decimal':
      return 'number';
    case 'date':
    case 'datetime':
      return 'date';
    case 'boolean':
      return 'boolean';
    default:
      // text, textarea, phone, website, picklist, multiselectpicklist, lookup, ownerlookup, autonumber, formula, …
      return 'string';
  }
}

/** The module's fields as source fields: key = API name, label = the field's label; unreadable entries left out. */
export function describeFields(raw: readonly unknown[]): FieldDescriptor[] {
  const out = new Map<string, FieldDescriptor>();
  for (const entry of raw) {
    const parsed = fieldMetaSchema.safeParse(entry);
    if (!parsed.success || UNLISTED_TYPES.has(parsed.data.data_type)) continue;
    const f = parsed.data;
    if (out.has(f.api_name)) continue;
    out.set(f.api_name, {
      key: f.api_name,
      label: (f.field_label || f.display_label || f.api_name).trim() || f.api_name,
      type: fieldTypeOf(f.data_type),
      availability: 'list',
      custom: f.custom_field === true,
    });
  }
  return [...out.values()];
}

/** Fields a read asks for first when a sync names none: those a mapping to a lead is likely to use. */
const PREFERRED = ['Email', 'First_Name', 'Last_Name', 'Full_Name', 'Company', 'Account_Name', 'Lead_Source'];

/**
 * The field API names one records request asks for: the ones named (or, when none are, the described ones, the
 * likely ones first, cut at MAX_FIELDS_PER_REQUEST), `Modified_Time` always (`id` comes without asking). Named fields
 * beyond what Zoho gives in one request are refused with a sentence a person can act on.
 */
export function requestedFields(
  named: readonly string[] | undefined,
  described: readonly FieldDescriptor[],
): string[] {
  const pool = named ?? [
    ...PREFERRED.filter((key) => described.some((f) => f.key === key)),
    ...described.map((f) => f.key),
  ];
  const keys = new Set<string>(['Modified_Time']);
  for (const key of pool) if (key !== 'id' && /^[A-Za-z0-9_$]{1,100}$/.test(key)) keys.add(key);
  if (named && keys.size > MAX_FIELDS_PER_REQUEST) {
    // Zoho answers at most 50 fields a request: a sync that needs more would miss some without a word.
    throw new InvalidConfigurationError(
      `A Zoho CRM read was asked for ${keys.size} fields; Zoho gives at most ${MAX_FIELDS_PER_REQUEST} a request`,
      'fieldMapping',
      `Zoho CRM gives at most ${MAX_FIELDS_PER_REQUEST - 1} fields besides its modification time: map and filter on fewer fields.`,
    );
  }
  return [...keys].slice(0, MAX_FIELDS_PER_REQUEST);
}

function text(value: string): string {
  return value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value;
}

function nameOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const name = (value as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

/**
 * A CRM value as a lead can hold it (README, R4): text, numbers and booleans as they are; a multi-select picklist
 * (an array of texts) joined with "; "; a lookup or an owner (`{ name, id }`) by its display name, a list of them
 * by their names; null as "". Anything else has no value a person could map (undefined: left out).
 */
export function crmValue(value: unknown): string | number | boolean | undefined {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return text(value);
  if (typeof value === 'boolean') return value;
  // -0 is 0 (JSON has no -0: the value must come back from the engine's storage the same).
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : undefined;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value.slice(0, 1_000)) {
      const part = typeof item === 'string' ? item : typeof item === 'number' ? String(item) : nameOf(item);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return text(parts.join('; '));
  }
  const name = nameOf(value);
  return name === undefined ? undefined : text(name);
}

/** A time of Zoho CRM (`2019-07-25T15:26:49+05:30`) in milliseconds; undefined when it is not one. */
export function crmTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 31 June over to 1 July: an impossible date is not a time.
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCMonth() === m - 1 && day.getUTCDate() === d ? ms : undefined;
}

/** A time as Zoho CRM writes it, in UTC (`2026-06-09T13:15:06+00:00`): for `If-Modified-Since`. */
export function formatCrmTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}+00:00`;
}

export interface ReadRow {
  id: string;
  modifiedMs: number;
  record: SourceRecord;
}

export type RowResult = { ok: true; row: ReadRow } | { ok: false; id?: string; reason: string };

/** One row of a records page, as a source record of the asked fields (whatever else it carries is left out). */
export function readRow(raw: unknown, fields: readonly string[]): RowResult {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: 'the row is not an object' };
  const row = raw as Record<string, unknown>;
  const rawId = row.id;
  const id =
    typeof rawId === 'string' && /^\d{1,30}$/.test(rawId)
      ? rawId
      : typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId > 0
        ? String(rawId)
        : undefined;
  if (!id) return { ok: false, reason: 'the row has no record id' };
  const modifiedMs = crmTimeMs(row.Modified_Time);
  if (modifiedMs === undefined) return { ok: false, id, reason: 'the row has no readable Modified_Time' };
  const values: Record<string, unknown> = {};
  for (const key of fields) {
    if (!(key in row)) continue;
    const value = crmValue(row[key]);
    if (value !== undefined) values[key] = value;
  }
  values.Modified_Time = new Date(modifiedMs).toISOString();
  return {
    ok: true,
    row: {
      id,
      modifiedMs,
      record: { sourceId: id, modifiedAt: new Date(modifiedMs).toISOString(), fields: values },
    },
  };
}

export const recordsEnvelopeSchema = z.object({
  data: z.array(z.unknown()).max(200),
  info: z.object({
    more_records: z.boolean(),
    next_page_token: z.string().max(2_000).nullish(),
    page: z.number().int().optional(),
  }),
});
export type RecordsEnvelope = z.infer<typeof recordsEnvelopeSchema>;

export const deletedEnvelopeSchema = z.object({
  data: z
    .array(
      z.object({ id: z.union([z.string().max(30), z.number()]), deleted_time: z.string().max(40).nullish() }),
    )
    .max(200),
  info: z.object({ more_records: z.boolean() }),
});

export const usersEnvelopeSchema = z.object({
  users: z
    .array(z.object({ email: z.string().max(254).nullish(), full_name: z.string().max(300).nullish() }))
    .max(200),
});
