import type { AnyConnector, FieldDescriptor } from '@leadsync/connector-sdk';
import { type Criteria, criteriaFields, validateMapping, validateRetrieveFrom } from '@leadsync/core';
import type { FieldMappingEntry } from '@leadsync/db/schema';
import { badInput } from '../../graphql/errors.ts';

/** Core's mapping schema: email mapped once, targets `email|firstName|lastName|fields.<name>`, at most 200. */
export { fieldMappingSchema } from '@leadsync/core';

/** Core's rules for a mapping (validateMapping), with every source a field the source actually has. */
export function checkMapping(
  mapping: readonly FieldMappingEntry[],
  fields: readonly FieldDescriptor[],
  root: string,
) {
  const [issue] = validateMapping(
    mapping,
    fields.map((field) => field.key),
  );
  if (!issue) return;
  const at = issue.index === undefined ? root : `${root}.${issue.index}.${issue.part ?? 'target'}`;
  throw badInput(at, issue.message);
}

export function checkCriteriaFields(criteria: Criteria, fields: readonly FieldDescriptor[], root: string) {
  const known = new Set(fields.map((field) => field.key));
  for (const field of criteriaFields(criteria)) {
    if (!known.has(field)) throw badInput(root, `Criteria name a field the source does not have: "${field}"`);
  }
}

/** DESIGN.md §3, core's rule: `retrieveFrom` no earlier than the sync's creation minus `maxLookbackDays`. */
export function checkRetrieveFrom(
  retrieveFrom: Date | null | undefined,
  createdAt: Date,
  maxLookbackDays: number | undefined,
  connectorName: string,
  root: string,
) {
  if (!retrieveFrom) return;
  const message = validateRetrieveFrom(retrieveFrom, { createdAt, maxLookbackDays }, connectorName);
  if (message !== null) throw badInput(root, message);
}

/** "Active records only" needs a connector that can leave inactive records out (`capabilities.activeOnlyReads`). */
export function checkActiveOnlyReads(connector: AnyConnector, root: string) {
  if (!connector.capabilities.activeOnlyReads)
    throw badInput(root, `${connector.displayName} has no notion of active records: read them all`);
}
