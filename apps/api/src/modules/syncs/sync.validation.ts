import type { FieldDescriptor } from '@leadsync/connector-sdk';
import type { FieldMappingEntry } from '@leadsync/db/schema';
import { z } from 'zod';
import { badInput } from '../../graphql/errors.ts';

/** Lead targets of a mapping (DESIGN.md §7). */
export const MAPPING_TARGET = /^(email|firstName|lastName|fields\.[A-Za-z0-9_][A-Za-z0-9_ .-]{0,99})$/;

export const fieldMappingSchema = z
  .array(
    z.object({
      source: z.string().trim().min(1, 'a source field is required'),
      target: z
        .string()
        .trim()
        .regex(MAPPING_TARGET, 'a target is email, firstName, lastName or fields.<name>'),
    }),
  )
  .min(1, 'map at least the email')
  .max(200, 'at most 200 mapped fields');

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

/** Every `field` named in a criteria tree (nested groups included). */
export function criteriaFields(criteria: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const record = node as { field?: unknown; rules?: unknown };
    if (typeof record.field === 'string') found.push(record.field);
    if (Array.isArray(record.rules)) for (const rule of record.rules) visit(rule);
  };
  visit(criteria);
  return found;
}

export function checkCriteriaFields(criteria: unknown, fields: readonly FieldDescriptor[], root: string) {
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
