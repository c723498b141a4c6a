import {
  type CriteriaPredicate,
  compileCriteria as compileCoreCriteria,
  criteriaFields as coreCriteriaFields,
  criteriaSchema,
} from '@leadsync/core';
import { EngineError } from './errors.ts';

export type Predicate = CriteriaPredicate;

/** The source field keys a sync's stored criteria read (none when they do not parse). */
export function criteriaFields(criteria: unknown): string[] {
  const parsed = criteriaSchema.safeParse(criteria);
  return parsed.success ? coreCriteriaFields(parsed.data) : [];
}

/** `@leadsync/core`'s criteria over a sync's stored JSON; criteria that do not parse fail the run clearly. */
export function compileCriteria(criteria: unknown): Predicate {
  const parsed = criteriaSchema.safeParse(criteria);
  if (!parsed.success) {
    throw new EngineError(
      'invalid_input',
      'The sync criteria are not valid: edit the sync and save them again.',
    );
  }
  return compileCoreCriteria(parsed.data);
}
