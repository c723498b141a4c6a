import { storableValue } from '../values/storable.ts';
import type { FieldMappingEntry } from './schema.ts';

/** The lead values a mapping gives for one source record. `undefined`: the mapping has no such target. */
export interface MappedValues {
  email: unknown;
  firstName: string | null | undefined;
  lastName: string | null | undefined;
  /** `fields.<name>` targets, by name; blank values are left out. */
  fields: Record<string, unknown>;
  /**
   * Mapped values (besides the email, which the email check refuses) that held text PostgreSQL cannot store and were
   * cleaned (storableValue of @leadsync/core): counted on the run as `cleaned_fields`.
   */
  cleaned: number;
}

export type Mapper = (fields: Record<string, unknown>) => MappedValues;

/** A blank value (missing, null, or only white space) counts as "no value": it never erases what a lead has. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function text(value: unknown): string | null {
  if (isBlank(value)) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

function fieldValue(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

/** Counts the values that had to be made storable. */
class Cleaner {
  count = 0;
  clean<T>(value: T): T {
    const clean = storableValue(value);
    if (clean !== value) this.count++;
    return clean;
  }
}

/**
 * Compiles a sync's field mapping (targets `email`, `firstName`, `lastName`, `fields.<name>`): the one home of what
 * a mapping does to a source record (the engine runs it; the API validates mappings with fieldMappingSchema). Source
 * keys are the connector's field keys. Names are text (trimmed); `fields.<name>` values are kept as the source sent
 * them (strings trimmed); blank values are left out. Without an `email` target the source's `email` key is used, so a
 * mapping never silently drops every record.
 */
export function compileMapping(mapping: readonly FieldMappingEntry[]): Mapper {
  let emailSource: string | undefined;
  let firstSource: string | undefined;
  let lastSource: string | undefined;
  const custom: [source: string, name: string][] = [];
  for (const { source, target } of mapping) {
    if (target === 'email') emailSource = source;
    else if (target === 'firstName') firstSource = source;
    else if (target === 'lastName') lastSource = source;
    else if (target.startsWith('fields.') && target.length > 'fields.'.length) {
      custom.push([source, target.slice('fields.'.length)]);
    }
  }
  const email = emailSource ?? 'email';
  return (fields) => {
    const cleaner = new Cleaner();
    const mapped: Record<string, unknown> = {};
    for (const [source, name] of custom) {
      const value = fields[source];
      if (!isBlank(value)) mapped[name] = cleaner.clean(fieldValue(value));
    }
    return {
      email: fields[email],
      firstName: firstSource === undefined ? undefined : cleaner.clean(text(fields[firstSource])),
      lastName: lastSource === undefined ? undefined : cleaner.clean(text(fields[lastSource])),
      fields: mapped,
      cleaned: cleaner.count,
    };
  };
}
