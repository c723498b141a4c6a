import { z } from 'zod';
import { FIELD_TYPES } from '../values/field-type.ts';

/** `fields.<name>`: a name of letters, digits and underscores, starting with a letter or underscore. */
export const CUSTOM_TARGET = /^fields\.[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const STANDARD_TARGETS = ['email', 'firstName', 'lastName'] as const;

export const mappingTargetSchema = z
  .string()
  .refine((t) => (STANDARD_TARGETS as readonly string[]).includes(t) || CUSTOM_TARGET.test(t), {
    message: 'a target is email, firstName, lastName or fields.<name> (letters, digits, _)',
  });

export const fieldMappingEntrySchema = z.object({
  /** A source field key (`email`, `billing_address.country`, `cf_tier`). */
  source: z
    .string()
    .trim()
    .min(1, 'name a source field')
    .max(200, 'a source field key has at most 200 characters'),
  target: mappingTargetSchema,
  /** The lead field's type, for `fields.<name>` targets; default: the source field's type. */
  type: z.enum(FIELD_TYPES).optional(),
});
export type FieldMappingEntry = z.infer<typeof fieldMappingEntrySchema>;

export const MAX_MAPPING_ENTRIES = 200;

/** A sync's field mapping: exactly one entry to `email`, each target at most once, at most 200 entries. */
export const fieldMappingSchema = z
  .array(fieldMappingEntrySchema)
  .max(MAX_MAPPING_ENTRIES, `a mapping has at most ${MAX_MAPPING_ENTRIES} entries`)
  .superRefine((entries, ctx) => {
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      const first = seen.get(entry.target);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'target'],
          message: `${entry.target} is mapped twice (entries ${first + 1} and ${i + 1})`,
        });
      } else seen.set(entry.target, i);
    });
    if (!seen.has('email'))
      ctx.addIssue({ code: 'custom', path: [], message: 'map a source field to email' });
  });
export type FieldMapping = FieldMappingEntry[];
