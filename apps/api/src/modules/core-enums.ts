import {
  IGNORED_REASONS,
  type IgnoredReason as IgnoredReasonValue,
  LEAD_STATUSES,
  type LeadStatus as LeadStatusValue,
  OUTCOMES,
  type Outcome as OutcomeValue,
} from '@leadsync/core';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL enums whose values are core's lists (DESIGN.md section 2): each value named by itself in capitals
 * (`group_email` → `GROUP_EMAIL`), in core's order, so a new outcome or reason is written once, in core.
 */
function coreEnum<const T extends string>(
  values: readonly T[],
  name: string,
): { [K in T as Uppercase<K>]: K } {
  const members = Object.fromEntries(values.map((value) => [value.toUpperCase(), value]));
  registerEnumType(members, { name });
  return members as { [K in T as Uppercase<K>]: K };
}

export const Outcome = coreEnum(OUTCOMES, 'Outcome');
export type Outcome = OutcomeValue;
export const IgnoredReason = coreEnum(IGNORED_REASONS, 'IgnoredReason');
export type IgnoredReason = IgnoredReasonValue;
export const LeadStatus = coreEnum(LEAD_STATUSES, 'LeadStatus');
export type LeadStatus = LeadStatusValue;
