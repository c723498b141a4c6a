import { type ContactRow, contactRowSchema, customFieldKey } from './records.ts';
import { isoFromMillis, zohoTimeToMillis } from './zoho-time.ts';

/**
 * A `GET /contacts` row read into what a read needs (id, times, fields), in one pass by hand when the row is
 * plainly well formed, through zod (`contactRowSchema`) otherwise.
 */

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
