import { isBlank, type MappedValues } from '@leadsync/core';
import type { LeadFields, UpdatePolicy } from '@leadsync/db/schema';

export interface LeadValues {
  firstName: string | null;
  lastName: string | null;
  fields: LeadFields;
}

/**
 * The values an existing lead gets from a record under a sync's update policy:
 * `overwrite` — every mapped value replaces the lead's (a blank one never erases);
 * `fill_empty` — only values the lead does not have yet; `never` — nothing (membership only).
 * `changed` is false when the lead would stay exactly as it is.
 */
export function applyUpdatePolicy(
  policy: UpdatePolicy,
  lead: LeadValues,
  mapped: MappedValues,
): LeadValues & { changed: boolean } {
  if (policy === 'never') return { ...lead, changed: false };
  const take = (current: unknown, incoming: unknown) =>
    !isBlank(incoming) && (policy === 'overwrite' || isBlank(current));
  let changed = false;
  let firstName = lead.firstName;
  let lastName = lead.lastName;
  if (take(firstName, mapped.firstName) && firstName !== mapped.firstName) {
    firstName = mapped.firstName ?? null;
    changed = true;
  }
  if (take(lastName, mapped.lastName) && lastName !== mapped.lastName) {
    lastName = mapped.lastName ?? null;
    changed = true;
  }
  let fields = lead.fields;
  for (const [name, value] of Object.entries(mapped.fields)) {
    const current = lead.fields[name];
    if (!take(current, value) || sameValue(current, value)) continue;
    if (fields === lead.fields) fields = { ...lead.fields };
    fields[name] = value;
    changed = true;
  }
  return { firstName, lastName, fields, changed };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
