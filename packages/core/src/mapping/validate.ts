import { type FieldMapping, fieldMappingSchema } from './schema.ts';

export interface MappingIssue {
  /** Index of the entry, when the issue is about one. */
  index?: number;
  /** Which part of that entry is wrong. */
  part?: 'source' | 'target';
  message: string;
}

/**
 * Everything wrong with a mapping for a connection whose source offers `availableSourceKeys`:
 * schema problems (email unmapped, a target twice, a bad target) and unknown source fields.
 * Empty when the mapping can be saved.
 */
export function validateMapping(mapping: unknown, availableSourceKeys: Iterable<string>): MappingIssue[] {
  const parsed = fieldMappingSchema.safeParse(mapping);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => {
      const index = typeof issue.path[0] === 'number' ? issue.path[0] : undefined;
      if (index === undefined) return { message: issue.message };
      const part = issue.path[1] === 'source' || issue.path[1] === 'target' ? issue.path[1] : undefined;
      return part === undefined ? { index, message: issue.message } : { index, part, message: issue.message };
    });
  }
  const available = new Set(availableSourceKeys);
  const issues: MappingIssue[] = [];
  parsed.data.forEach((entry, index) => {
    if (!available.has(entry.source)) {
      issues.push({ index, part: 'source', message: `the source has no field ${entry.source}` });
    }
  });
  return issues;
}

const EMAIL_KEYS = ['email', 'email_address', 'emailaddress', 'e_mail', 'mail'];
const FIRST_KEYS = ['first_name', 'firstname', 'given_name', 'givenname', 'first'];
const LAST_KEYS = ['last_name', 'lastname', 'family_name', 'familyname', 'surname', 'last'];

function simplify(key: string): string {
  return key.toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * The mapping a new sync starts with: the source's email field to `email`, and its first and last
 * name fields to `firstName` / `lastName` when it has them. Matches keys like `email`, `Email Address`,
 * `first_name`, `FirstName`, or the first field typed `email`.
 */
export function defaultFieldMapping(sourceFields: readonly { key: string; type?: string }[]): FieldMapping {
  const find = (names: string[]) => {
    for (const name of names) {
      const hit = sourceFields.find((f) => {
        const k = simplify(f.key);
        return k === name || k.replaceAll('_', '') === name.replaceAll('_', '');
      });
      if (hit) return hit.key;
    }
    return undefined;
  };
  const mapping: FieldMapping = [];
  const email = find(EMAIL_KEYS) ?? sourceFields.find((f) => f.type === 'email')?.key;
  if (email) mapping.push({ source: email, target: 'email' });
  const first = find(FIRST_KEYS);
  if (first) mapping.push({ source: first, target: 'firstName' });
  const last = find(LAST_KEYS);
  if (last) mapping.push({ source: last, target: 'lastName' });
  return mapping;
}
