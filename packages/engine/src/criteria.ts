import { z } from 'zod';
import { EngineError } from './errors.ts';

/**
 * The smallest criteria evaluator the engine needs (DESIGN.md section 7, "Criteria are JSON"), written here because
 * `@leadsync/core` does not export one yet; swap for core's when it lands. Strings compare case-insensitively and
 * trimmed; `before`/`after` compare as dates; `in` takes an array.
 */
const ruleSchema = z.object({
  field: z.string().min(1),
  op: z.enum([
    'is',
    'is_not',
    'contains',
    'not_contains',
    'starts_with',
    'ends_with',
    'is_empty',
    'is_not_empty',
    'in',
    'before',
    'after',
  ]),
  value: z.unknown().optional(),
});
type Rule = z.infer<typeof ruleSchema>;
interface Group {
  match: 'all' | 'any';
  rules: (Rule | Group)[];
}
const groupSchema: z.ZodType<Group> = z.lazy(() =>
  z.object({ match: z.enum(['all', 'any']), rules: z.array(z.union([groupSchema, ruleSchema])) }),
);

export type Predicate = (fields: Record<string, unknown>) => boolean;

function norm(value: unknown): string {
  if (value === undefined || value === null) return '';
  return (typeof value === 'string' ? value : String(value)).trim().toLowerCase();
}

function time(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value ?? ''));
}

function compileRule(rule: Rule): Predicate {
  const wanted = norm(rule.value);
  const get = (fields: Record<string, unknown>) => norm(fields[rule.field]);
  switch (rule.op) {
    case 'is':
      return (f) => get(f) === wanted;
    case 'is_not':
      return (f) => get(f) !== wanted;
    case 'contains':
      return (f) => get(f).includes(wanted);
    case 'not_contains':
      return (f) => !get(f).includes(wanted);
    case 'starts_with':
      return (f) => get(f).startsWith(wanted);
    case 'ends_with':
      return (f) => get(f).endsWith(wanted);
    case 'is_empty':
      return (f) => get(f) === '';
    case 'is_not_empty':
      return (f) => get(f) !== '';
    case 'in': {
      const set = new Set((Array.isArray(rule.value) ? rule.value : [rule.value]).map(norm));
      return (f) => set.has(get(f));
    }
    case 'before': {
      const limit = time(rule.value);
      return (f) => time(f[rule.field]) < limit;
    }
    case 'after': {
      const limit = time(rule.value);
      return (f) => time(f[rule.field]) > limit;
    }
  }
}

function compileGroup(group: Group): Predicate {
  const parts = group.rules.map((r) => ('match' in r ? compileGroup(r) : compileRule(r)));
  return group.match === 'all' ? (f) => parts.every((p) => p(f)) : (f) => parts.some((p) => p(f));
}

/** The source field keys criteria read. */
export function criteriaFields(criteria: unknown): string[] {
  const parsed = groupSchema.safeParse(criteria);
  if (!parsed.success) return [];
  const keys: string[] = [];
  const walk = (g: Group) => {
    for (const r of g.rules)
      if ('match' in r) walk(r);
      else keys.push(r.field);
  };
  walk(parsed.data);
  return keys;
}

export function compileCriteria(criteria: unknown): Predicate {
  const parsed = groupSchema.safeParse(criteria);
  if (!parsed.success) {
    throw new EngineError(
      'invalid_input',
      'The sync criteria are not valid: edit the sync and save them again.',
    );
  }
  return compileGroup(parsed.data);
}
