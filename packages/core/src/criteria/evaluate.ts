import { isEmptyValue, toBoolean, toDateValue, toNumber, toText } from '../values/coerce.ts';
import { getField } from '../values/field-path.ts';
import type { FieldType, FieldTypes } from '../values/field-type.ts';
import { type Criteria, type CriteriaGroup, type CriteriaRule, isCriteriaGroup } from './schema.ts';

type SourceRecordFields = Readonly<Record<string, unknown>>;
export type CriteriaPredicate = (record: SourceRecordFields) => boolean;
type Matcher = (value: unknown) => boolean;

/** Text compared case-insensitively: trimmed, Unicode-normalized, lowercased. */
function fold(text: string): string {
  return text.trim().normalize('NFC').toLowerCase();
}

function foldedText(value: unknown): string | null {
  const text = toText(value);
  return text === null ? null : fold(text);
}

/** The values a record holds for a field: multi-value fields are lists, a missing field none. */
function valuesOf(record: SourceRecordFields, field: string): unknown[] {
  const value = getField(record, field);
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Equality with one criterion value, by the field's type (inferred from the value when unknown). */
function equalsMatcher(expected: string | number | boolean, type: FieldType | undefined): Matcher {
  if (type === 'number' || (type === undefined && typeof expected === 'number')) {
    const n = toNumber(expected);
    if (n !== null) return (v) => toNumber(v) === n;
  }
  if (type === 'date') {
    const d = toDateValue(expected);
    if (d !== null) {
      return d.dateOnly ? (v) => toDateValue(v)?.day === d.day : (v) => toDateValue(v)?.millis === d.millis;
    }
  }
  if (type === 'boolean' || (type === undefined && typeof expected === 'boolean')) {
    const b = toBoolean(expected);
    if (b !== null) return (v) => toBoolean(v) === b;
  }
  const text = fold(String(expected));
  return (v) => foldedText(v) === text;
}

function textMatcher(op: 'contains' | 'starts_with' | 'ends_with', needle: string): Matcher {
  const n = fold(needle);
  if (op === 'contains') return (v) => foldedText(v)?.includes(n) ?? false;
  if (op === 'starts_with') return (v) => foldedText(v)?.startsWith(n) ?? false;
  return (v) => foldedText(v)?.endsWith(n) ?? false;
}

/** `before` / `after`: numbers for number fields (or a numeric value), dates otherwise. */
function orderMatcher(op: 'before' | 'after', bound: string | number, type: FieldType | undefined): Matcher {
  const sign = op === 'before' ? -1 : 1;
  const n = toNumber(bound);
  const numeric = type === 'number' || (type !== 'date' && n !== null);
  if (numeric && n !== null) {
    return (v) => {
      const x = toNumber(v);
      return x !== null && Math.sign(x - n) === sign;
    };
  }
  const d = toDateValue(bound);
  if (d === null) return () => false;
  if (d.dateOnly) {
    return (v) => {
      const x = toDateValue(v);
      return x !== null && (sign < 0 ? x.day < d.day : x.day > d.day);
    };
  }
  return (v) => {
    const x = toDateValue(v);
    return x !== null && Math.sign(x.millis - d.millis) === sign;
  };
}

function compileRule(rule: CriteriaRule, types: FieldTypes): CriteriaPredicate {
  const { field } = rule;
  const type = types[field];
  const any =
    (m: Matcher): CriteriaPredicate =>
    (r) =>
      valuesOf(r, field).some(m);
  switch (rule.op) {
    case 'is':
      return any(equalsMatcher(rule.value, type));
    case 'is_not': {
      const is = any(equalsMatcher(rule.value, type));
      return (r) => !is(r);
    }
    case 'in': {
      // Text values (compared folded, as equalsMatcher does for text) are looked up in a set: a record's value is
      // folded once, not once per value, so a list of a thousand values costs what one does.
      const texts = new Set<string>();
      const matchers: Matcher[] = [];
      for (const v of rule.value) {
        if (typeof v === 'string' && (type === undefined || type === 'string' || type === 'email'))
          texts.add(fold(v));
        else matchers.push(equalsMatcher(v, type));
      }
      if (matchers.length === 0) {
        return any((v) => {
          const text = foldedText(v);
          return text !== null && texts.has(text);
        });
      }
      return any((v) => {
        const text = texts.size > 0 ? foldedText(v) : null;
        return (text !== null && texts.has(text)) || matchers.some((m) => m(v));
      });
    }
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return any(textMatcher(rule.op, String(rule.value)));
    case 'not_contains': {
      const contains = any(textMatcher('contains', String(rule.value)));
      return (r) => !contains(r);
    }
    case 'is_empty':
      return (r) => isEmptyValue(getField(r, field));
    case 'is_not_empty':
      return (r) => !isEmptyValue(getField(r, field));
    case 'before':
    case 'after':
      return any(orderMatcher(rule.op, rule.value, type));
  }
}

function compileGroup(group: CriteriaGroup, types: FieldTypes): CriteriaPredicate {
  const parts = group.rules.map((node) =>
    isCriteriaGroup(node) ? compileGroup(node, types) : compileRule(node, types),
  );
  if (group.match === 'all') return (r) => parts.every((p) => p(r));
  return (r) => parts.some((p) => p(r));
}

/**
 * Compiles criteria (already parsed by `criteriaSchema`) into a predicate over a source record's fields.
 * Text is compared case-insensitively; numbers and dates by value, by the field's declared type when
 * `fieldTypes` gives it (from the connector's field descriptors), else by the criterion value's form.
 * A date-only value (`2026-06-09`) compares calendar days, a date-time compares instants. Multi-value
 * fields match when any value does; `is_not` and `not_contains` hold for a missing field.
 */
export function compileCriteria(criteria: Criteria, fieldTypes: FieldTypes = {}): CriteriaPredicate {
  return compileGroup(criteria, fieldTypes);
}

/** Whether one record meets the criteria (compile once with `compileCriteria` for many records). */
export function evaluateCriteria(
  criteria: Criteria,
  record: SourceRecordFields,
  fieldTypes: FieldTypes = {},
): boolean {
  return compileCriteria(criteria, fieldTypes)(record);
}
