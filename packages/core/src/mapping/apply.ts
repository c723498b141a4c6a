import { toBoolean, toDateValue, toNumber, toText } from '../values/coerce.ts';
import { getField } from '../values/field-path.ts';
import type { FieldType, FieldTypes } from '../values/field-type.ts';
import type { FieldMapping } from './schema.ts';

/** A value that could not be converted: it is left out of the lead, and the record still imports. */
export interface MappingError {
  source: string;
  target: string;
  message: string;
  value: unknown;
}

/** The lead fields one source record maps to. `email` is the raw value: the classifier checks it. */
export interface MappedLead {
  email: string | undefined;
  firstName?: string;
  lastName?: string;
  fields: Record<string, unknown>;
  errors: MappingError[];
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Converted = { ok: true; value: unknown } | { ok: false; message: string };

function isJsonSafe(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth > 8) return false;
  if (Array.isArray(value)) return value.every((v) => isJsonSafe(v, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every((v) => isJsonSafe(v, depth + 1));
  }
  return false;
}

function convert(value: unknown, type: FieldType | undefined): Converted {
  switch (type) {
    case 'string':
    case 'email': {
      const text = toText(value);
      return text === null
        ? { ok: false, message: `expected text, got ${describe(value)}` }
        : { ok: true, value: text };
    }
    case 'number': {
      const n = toNumber(value);
      return n === null
        ? { ok: false, message: `expected a number, got ${describe(value)}` }
        : { ok: true, value: n };
    }
    case 'boolean': {
      const b = toBoolean(value);
      return b === null
        ? { ok: false, message: `expected true/false, got ${describe(value)}` }
        : { ok: true, value: b };
    }
    case 'date': {
      const d = toDateValue(value);
      if (d === null) return { ok: false, message: `expected a date, got ${describe(value)}` };
      return { ok: true, value: d.dateOnly ? d.day : new Date(d.millis).toISOString() };
    }
    default:
      return isJsonSafe(value)
        ? { ok: true, value }
        : { ok: false, message: `expected a JSON value, got ${describe(value)}` };
  }
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Maps one source record's fields to lead fields. Names are text (trimmed); `fields.<name>` values are
 * converted to the entry's `type`, else the source field's type from `sourceTypes`, else kept as JSON.
 * Missing or blank values are left out silently; a value that does not convert is left out with an
 * error for this record, and never stops the run.
 */
export function applyMapping(
  mapping: FieldMapping,
  sourceFields: Readonly<Record<string, unknown>>,
  options: { sourceTypes?: FieldTypes } = {},
): MappedLead {
  const lead: MappedLead = { email: undefined, fields: {}, errors: [] };
  for (const { source, target, type } of mapping) {
    const value = getField(sourceFields, source);
    if (isBlank(value)) continue;
    const isStandard = target === 'email' || target === 'firstName' || target === 'lastName';
    const converted = convert(value, isStandard ? 'string' : (type ?? options.sourceTypes?.[source]));
    if (!converted.ok) {
      lead.errors.push({ source, target, message: `${source} → ${target}: ${converted.message}`, value });
      continue;
    }
    if (target === 'email') lead.email = converted.value as string;
    else if (target === 'firstName' || target === 'lastName')
      lead[target] = (converted.value as string).trim();
    else lead.fields[target.slice('fields.'.length)] = converted.value;
  }
  return lead;
}
