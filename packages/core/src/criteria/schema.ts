import { z } from 'zod';
import { toDateValue, toNumber } from '../values/coerce.ts';

/** How deep groups may nest: the top group is level 1. */
export const MAX_CRITERIA_DEPTH = 5;

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

const field = z.string().trim().min(1, 'name a source field');
const scalar = z.union([z.string(), z.number(), z.boolean()]);
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
    value: z.union([z.string().min(1, 'give some text to look for'), z.number()]),
  }),
  // A value given with is_empty / is_not_empty (forms often send '') is ignored.
  z.object({ field, op: z.enum(['is_empty', 'is_not_empty']), value: z.unknown().optional() }),
  z.object({ field, op: z.literal('in'), value: z.array(scalar).min(1, 'give at least one value') }),
  z.object({ field, op: z.enum(['before', 'after']), value: comparable }),
]);
export type CriteriaRule = z.infer<typeof criteriaRuleSchema>;

/** `{ match: 'all' | 'any', rules: [rule | group, …] }` (DESIGN.md section 7). */
export interface CriteriaGroup {
  match: 'all' | 'any';
  rules: (CriteriaRule | CriteriaGroup)[];
}
export type Criteria = CriteriaGroup;

const groupSchema: z.ZodType<CriteriaGroup> = z.lazy(() =>
  z.object({
    match: z.enum(['all', 'any']),
    rules: z.array(z.union([criteriaRuleSchema, groupSchema])).min(1, 'a group needs at least one rule'),
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

/** The criteria JSON of a sync in import mode `CRITERIA`: ops of DESIGN.md section 7, groups up to 5 deep. */
export const criteriaSchema: z.ZodType<Criteria> = groupSchema.superRefine((group, ctx) =>
  depthIssues(group, 1, [], ctx),
);

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
