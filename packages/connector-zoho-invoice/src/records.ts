import type { FieldDescriptor, FieldType } from '@leadsync/connector-sdk';
import { z } from 'zod';
import { isoFromMillis, zohoTimeToMillis } from './zoho-time.ts';

const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? '' : String(v)));
const zohoTime = z
  .string()
  .refine((v) => zohoTimeToMillis(v) !== undefined, { message: 'not an ISO 8601 time' });

// Rows are read with z.object (unknown keys dropped, not copied): a list page is 200 rows of ~40 keys, and only
// these are used.
export const customFieldValueSchema = z.object({
  label: z.string().min(1),
  api_name: z.string().optional(),
  data_type: z.string().optional(),
  value: z.unknown(),
});

/** A row of `GET /contacts`: the primary contact person's names and email, custom fields, times; no addresses. */
export const contactRowSchema = z.object({
  contact_id: id,
  contact_name: text,
  company_name: text,
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  mobile: text,
  website: text,
  status: text,
  contact_type: text,
  created_time: zohoTime.nullish(),
  last_modified_time: zohoTime,
  custom_fields: z.array(customFieldValueSchema).nullish(),
});
export type ContactRow = z.infer<typeof contactRowSchema>;

export const listEnvelopeSchema = z.looseObject({
  code: z.literal(0),
  contacts: z.array(z.unknown()),
  page_context: z.looseObject({ has_more_page: z.boolean() }),
});

const addressSchema = z.looseObject({ country: text, state: text, city: text, zip: text }).nullish();

export const contactDetailSchema = z.looseObject({
  contact: z.looseObject({ contact_id: id, billing_address: addressSchema, shipping_address: addressSchema }),
});

export const contactPersonRowSchema = z.looseObject({
  contact_id: id,
  contact_person_id: id,
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  mobile: text,
  is_primary_contact: z.boolean().nullish(),
});
export type ContactPersonRow = z.infer<typeof contactPersonRowSchema>;

export const contactPersonsEnvelopeSchema = z.looseObject({
  code: z.literal(0),
  contact_persons: z.array(z.unknown()),
  page_context: z.looseObject({ has_more_page: z.boolean() }),
});

export const organizationsEnvelopeSchema = z.looseObject({
  organizations: z.array(
    z.looseObject({ organization_id: id, name: text, is_default_org: z.boolean().nullish() }),
  ),
});

export const usersEnvelopeSchema = z.looseObject({
  users: z.array(z.looseObject({ email: text, is_current_user: z.boolean().nullish() })),
});

export const customFieldDefinitionsSchema = z.looseObject({
  customfields: z.array(
    z.looseObject({
      label: z.string().min(1),
      api_name: z.string().optional(),
      data_type: z.string().optional(),
    }),
  ),
});

/** Standard source fields: `list` ones come with every page, `detail` ones need `GET /contacts/{id}`. */
export const STANDARD_FIELDS: FieldDescriptor[] = [
  { key: 'email', label: 'Email', type: 'email', availability: 'list', custom: false },
  { key: 'first_name', label: 'First Name', type: 'string', availability: 'list', custom: false },
  { key: 'last_name', label: 'Last Name', type: 'string', availability: 'list', custom: false },
  { key: 'contact_name', label: 'Contact Name', type: 'string', availability: 'list', custom: false },
  { key: 'company_name', label: 'Company Name', type: 'string', availability: 'list', custom: false },
  { key: 'phone', label: 'Phone', type: 'string', availability: 'list', custom: false },
  { key: 'mobile', label: 'Mobile', type: 'string', availability: 'list', custom: false },
  { key: 'website', label: 'Website', type: 'string', availability: 'list', custom: false },
  { key: 'status', label: 'Status', type: 'string', availability: 'list', custom: false },
  { key: 'contact_type', label: 'Contact Type', type: 'string', availability: 'list', custom: false },
  { key: 'created_time', label: 'Created Time', type: 'date', availability: 'list', custom: false },
  {
    key: 'last_modified_time',
    label: 'Last Modified Time',
    type: 'date',
    availability: 'list',
    custom: false,
  },
  {
    key: 'billing_address.country',
    label: 'Billing Country',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'billing_address.state',
    label: 'Billing State',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'billing_address.city',
    label: 'Billing City',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'billing_address.zip',
    label: 'Billing Zip Code',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'shipping_address.country',
    label: 'Shipping Country',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
];

export const DETAIL_FIELD_KEYS: readonly string[] = STANDARD_FIELDS.filter(
  (f) => f.availability === 'detail',
).map((f) => f.key);

/** The source field key of a custom field: its `api_name` (`cf_industry`), else `cf_` + its label in snake case. */
export function customFieldKey(field: { label: string; api_name?: string | undefined }): string {
  if (field.api_name && /^cf_[a-z0-9_]+$/i.test(field.api_name)) return field.api_name;
  const snake = field.label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `cf_${snake || 'field'}`;
}

export function customFieldType(dataType: string | undefined): FieldType {
  switch (dataType) {
    case 'number':
    case 'decimal':
    case 'amount':
    case 'percent':
    case 'autonumber':
      return 'number';
    case 'date':
    case 'date_time':
      return 'date';
    case 'check_box':
      return 'boolean';
    case 'email':
      return 'email';
    default:
      return 'string';
  }
}

/** A Zoho time as an ISO 8601 UTC string (`2026-06-09T17:15:06.000Z`); `null` when absent or unreadable. */
export function isoTime(value: string | null | undefined): string | null {
  const ms = value ? zohoTimeToMillis(value) : undefined;
  return ms === undefined ? null : isoFromMillis(ms);
}

/** The source record fields of a list row, keyed by source field key. */
export function rowFields(row: ContactRow): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    contact_name: row.contact_name,
    company_name: row.company_name,
    phone: row.phone,
    mobile: row.mobile,
    website: row.website,
    status: row.status,
    contact_type: row.contact_type,
    created_time: isoTime(row.created_time),
    last_modified_time: isoTime(row.last_modified_time),
  };
  for (const cf of row.custom_fields ?? []) fields[customFieldKey(cf)] = cf.value ?? null;
  return fields;
}

/** A contact list row as a read uses it: its id, its modification time (as sent, in ms, in ISO) and its record fields. */
export interface ListRow {
  id: string;
  modifiedTime: string;
  modifiedMs: number;
  modifiedIso: string;
  fields: Record<string, unknown>;
}

export type ListRowResult = { ok: true; row: ListRow } | { ok: false; reason: string };

/**
 * Reads a `GET /contacts` row. The common case goes through `fastListRow`, one pass without zod; whatever that does
 * not accept goes through `contactRowSchema`, which gives the reason a row is rejected (or reads it after all).
 */
export function readListRow(raw: unknown): ListRowResult {
  const fast = fastListRow(raw);
  if (fast) return { ok: true, row: fast };
  const parsed = contactRowSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `unreadable contact row: ${issue?.path.join('.')} ${issue?.message}` };
  }
  return { ok: true, row: listRowOf(parsed.data) };
}

/** The `ListRow` of a row `contactRowSchema` accepted. */
export function listRowOf(row: ContactRow): ListRow {
  const modifiedMs = zohoTimeToMillis(row.last_modified_time) as number;
  return {
    id: row.contact_id,
    modifiedTime: row.last_modified_time,
    modifiedMs,
    modifiedIso: isoFromMillis(modifiedMs),
    fields: rowFields(row),
  };
}

/** A text field as `text` reads it; `undefined` for a value it refuses. */
function fastText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `listRowOf(contactRowSchema.parse(raw))` without zod (zod cost a fifth of a read's CPU): each field is looked at
 * once, each time parsed once. `undefined` for anything it is not sure `contactRowSchema` accepts exactly so; the
 * caller then asks zod (tested to agree on real and damaged rows).
 */
export function fastListRow(raw: unknown): ListRow | undefined {
  if (!isRecord(raw)) return undefined;
  const rawId = raw.contact_id;
  let id: string;
  if (typeof rawId === 'string' && rawId.length > 0) id = rawId;
  else if (typeof rawId === 'number' && Number.isSafeInteger(rawId)) id = String(rawId);
  else return undefined;
  const modifiedTime = raw.last_modified_time;
  if (typeof modifiedTime !== 'string') return undefined;
  const modifiedMs = zohoTimeToMillis(modifiedTime);
  if (modifiedMs === undefined) return undefined;
  const created = raw.created_time;
  let createdIso: string | null = null;
  if (created !== null && created !== undefined) {
    const ms = typeof created === 'string' ? zohoTimeToMillis(created) : undefined;
    if (ms === undefined) return undefined;
    createdIso = isoFromMillis(ms);
  }
  const email = fastText(raw.email);
  const firstName = fastText(raw.first_name);
  const lastName = fastText(raw.last_name);
  const contactName = fastText(raw.contact_name);
  const companyName = fastText(raw.company_name);
  const phone = fastText(raw.phone);
  const mobile = fastText(raw.mobile);
  const website = fastText(raw.website);
  const status = fastText(raw.status);
  const contactType = fastText(raw.contact_type);
  if (
    email === undefined ||
    firstName === undefined ||
    lastName === undefined ||
    contactName === undefined ||
    companyName === undefined ||
    phone === undefined ||
    mobile === undefined ||
    website === undefined ||
    status === undefined ||
    contactType === undefined
  )
    return undefined;
  const modifiedIso = isoFromMillis(modifiedMs);
  // The same keys in the same order as `rowFields`.
  const fields: Record<string, unknown> = {
    email,
    first_name: firstName,
    last_name: lastName,
    contact_name: contactName,
    company_name: companyName,
    phone,
    mobile,
    website,
    status,
    contact_type: contactType,
    created_time: createdIso,
    last_modified_time: modifiedIso,
  };
  const custom = raw.custom_fields;
  if (custom !== null && custom !== undefined) {
    if (!Array.isArray(custom)) return undefined;
    for (const cf of custom) {
      if (!isRecord(cf)) return undefined;
      const { label, api_name: apiName, data_type: dataType, value } = cf;
      // zod requires `value` to be there (JSON has no undefined, so undefined is a missing key).
      if (typeof label !== 'string' || label.length === 0 || value === undefined) return undefined;
      if (
        (apiName !== undefined && typeof apiName !== 'string') ||
        (dataType !== undefined && typeof dataType !== 'string')
      )
        return undefined;
      fields[customFieldKey({ label, api_name: apiName })] = value ?? null;
    }
  }
  return { id, modifiedTime, modifiedMs, modifiedIso, fields };
}
