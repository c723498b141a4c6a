import type { FieldDescriptor } from '@leadsync/connector-sdk';
import { type Criteria, fieldMappingSchema as coreFieldMappingSchema, criteriaFields } from '@leadsync/core';
import type { FieldMappingEntry } from '@leadsync/db/schema';
import { badInput } from '../../graphql/errors.ts';

/** Core's mapping schema (email mapped once, targets `email|firstName|lastName|fields.<name>`), bounded. */
export const fieldMappingSchema = coreFieldMappingSchema.refine(
  (entries) => entries.length <= 200,
  'at most 200 mapped fields',
);

/**
 * The rules a mapping must follow beyond its shape: exactly one `email` target, no target twice, and every source
 * a field the source actually has.
 */
export function checkMapping(
  mapping: readonly FieldMappingEntry[],
  fields: readonly FieldDescriptor[],
  root: string,
) {
  const emailTargets = mapping.filter((entry) => entry.target === 'email');
  if (emailTargets.length === 0) throw badInput(root, 'The mapping must map a source field to email');
  const seen = new Set<string>();
  const known = new Set(fields.map((field) => field.key));
  mapping.forEach((entry, index) => {
    if (seen.has(entry.target))
      throw badInput(`${root}.${index}.target`, `Target "${entry.target}" is mapped twice`);
    seen.add(entry.target);
    if (!known.has(entry.source)) {
      throw badInput(`${root}.${index}.source`, `The source has no field "${entry.source}"`);
    }
  });
}

export function checkCriteriaFields(criteria: Criteria, fields: readonly FieldDescriptor[], root: string) {
  const known = new Set(fields.map((field) => field.key));
  for (const field of criteriaFields(criteria)) {
    if (!known.has(field)) throw badInput(root, `Criteria name a field the source does not have: "${field}"`);
  }
}

/**
 * DESIGN.md §3: `retrieveFrom` earlier than the sync's creation minus the connector's `maxLookbackDays` is refused.
 */
export function checkRetrieveFrom(
  retrieveFrom: Date | null | undefined,
  createdAt: Date,
  maxLookbackDays: number | undefined,
  connectorName: string,
  root: string,
) {
  if (!retrieveFrom || maxLookbackDays === undefined) return;
  const earliest = new Date(createdAt.getTime() - maxLookbackDays * 86_400_000);
  if (retrieveFrom.getTime() < earliest.getTime()) {
    throw badInput(
      root,
      `${connectorName} lets a sync retrieve data from at most ${maxLookbackDays} days before its creation: ` +
        `choose ${earliest.toISOString()} or later`,
    );
  }
}
