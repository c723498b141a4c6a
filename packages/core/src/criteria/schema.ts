import { z } from 'zod';
import { toDateValue, toNumber } from '../values/coerce.ts';

/** How deep groups may nest: the top group is level 1. */
export const MAX_CRITERIA_DEPTH = 5;
/** Bounds of criteria, so that one sync cannot make every record's evaluation (or its storage) costly. */
export const CRITERIA_LIMITS = {
  /** Rules and groups in one group. */
  rulesPerGroup: 100,
  /** Rules and groups in the whole criteria. */
  rules: 500,
  /** Values of an `in` rule. */
  valuesPerRule: 1_000,
  /** Characters of a text value. */
  valueLength: 1_000,
  /** Characters of a field key. */
  fieldLength: 200,
  /** Characters of the whole criteria as JSON. */
  size: 64 * 1024,
} as const;

export const CRITERIA_OPS = [
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
] as const;
export type CriteriaOp = (typeof CRITERIA_OPS)[number];

const field = z
  .string()
  .trim()
  .min(1, 'name a source field')
  .max(CRITERIA_LIMITS.fieldLength, `a field key has at most ${CRITERIA_LIMITS.fieldLength} characters`);
const text = z
  .string()
  .max(CRITERIA_LIMITS.valueLength, `a value has at most ${CRITERIA_LIMITS.valueLength} characters`);
const scalar = z.union([text, z.number(), z.boolean()]);
const comparable = z
  .union([z.string(), z.number()])
  .refine((v) => toNumber(v) !== null || toDateValue(v) !== null, {
    message: 'expected a date (2026-06-09 or an ISO date-time) or a number',
  });

export const criteriaRuleSchema = z.discriminatedUnion('op', [
  z.object({ field, op: z.enum(['is', 'is_not']), value: scalar }),
  z.object({
    field,
    op: z.enum(['contains', 'not_contains', 'starts_with', 'ends_with']),
    value: z.union([text.min(1, 'give some text to look for'), z.number()]),
  }),
  // A value given with is_empty / is_not_empty (forms often send '') is ignored.
  z.object({ field, op: z.enum(['is_empty', 'is_not_empty']), value: z.unknown().optional() }),
  z.object({
    field,
    op: z.literal('in'),
    value: z
      .array(scalar)
      .min(1, 'give at least one value')
      .max(CRITERIA_LIMITS.valuesPerRule, `an in rule has at most ${CRITERIA_LIMITS.valuesPerRule} values`),
  }),
  z.object({ field, op: z.enum(['before', 'after']), value: comparable }),
]);
export type CriteriaRule = z.infer<typeof criteriaRuleSchema>;

/** `{ match: 'all' | 'any', rules: [rule | group, …] }` (DESIGN.md section 7). */
export interface CriteriaGroup {
  match: 'all' | 'any';
  rules: (CriteriaRule | CriteriaGroup)[];
}
export type Criteria = CriteriaGroup;

/**
 * A rule or a group, told apart by `match` (a plain union would report only "Invalid input" for a bad rule, hiding
 * which bound or value is wrong).
 */
const nodeSchema: z.ZodType<CriteriaRule | CriteriaGroup> = z.lazy(() =>
  z.unknown().transform((value, ctx) => {
    const schema: z.ZodType<CriteriaRule | CriteriaGroup> =
      value !== null && typeof value === 'object' && 'match' in value ? groupSchema : criteriaRuleSchema;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }),
);

const groupSchema: z.ZodType<CriteriaGroup> = z.lazy(() =>
  z.object({
    match: z.enum(['all', 'any']),
    rules: z
      .array(nodeSchema)
      .min(1, 'a group needs at least one rule')
      .max(CRITERIA_LIMITS.rulesPerGroup, `a group has at most ${CRITERIA_LIMITS.rulesPerGroup} rules`),
  }),
);

function depthIssues(
  group: CriteriaGroup,
  depth: number,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  group.rules.forEach((rule, i) => {
    if (!('match' in rule)) return;
    const here = [...path, 'rules', i];
    if (depth + 1 > MAX_CRITERIA_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        message: `criteria groups nest at most ${MAX_CRITERIA_DEPTH} levels deep`,
        path: here,
      });
      return;
    }
    depthIssues(rule, depth + 1, here, ctx);
  });
}

function countRules(group: CriteriaGroup): number {
  let n = 0;
  for (const rule of group.rules) n += 1 + ('match' in rule ? countRules(rule) : 0);
  return n;
}

/** Refused before the schema walks it: too large as JSON, or nested deeper than any valid criteria can be. */
function tooLarge(value: unknown): boolean {
  let size: number;
  try {
    size = JSON.stringify(value)?.length ?? 0;
  } catch {
    return true; // a cycle, or nesting deep enough to overflow the stack
  }
  return size > CRITERIA_LIMITS.size;
}

/**
 * The criteria JSON of a sync in import mode `CRITERIA`: ops of DESIGN.md section 7, groups up to 5 deep, within
 * CRITERIA_LIMITS.
 */
export const criteriaSchema: z.ZodType<Criteria> = z
  .unknown()
  .superRefine((value, ctx) => {
    if (tooLarge(value))
      ctx.addIssue({
        code: 'custom',
        message: `criteria are at most ${CRITERIA_LIMITS.size / 1024} KiB of JSON`,
      });
  })
  .pipe(
    groupSchema.superRefine((group, ctx) => {
      depthIssues(group, 1, [], ctx);
      if (countRules(group) > CRITERIA_LIMITS.rules)
        ctx.addIssue({
          code: 'custom',
          message: `criteria have at most ${CRITERIA_LIMITS.rules} rules in all`,
        });
    }),
  ) as unknown as z.ZodType<Criteria>;

export function isCriteriaGroup(node: CriteriaRule | CriteriaGroup): node is CriteriaGroup {
  return 'match' in node;
}

/** The source field keys the criteria read, each once, in order of appearance. */
export function criteriaFields(criteria: Criteria): string[] {
  const keys = new Set<string>();
  const walk = (group: CriteriaGroup) => {
    for (const node of group.rules) {
      if (isCriteriaGroup(node)) walk(node);
      else keys.add(node.field);
    }
  };
  walk(criteria);
  return [...keys];
}
