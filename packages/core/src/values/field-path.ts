/**
 * The value of a source field key in a record: the key itself when the record has it
 * (`billing_address.country` as a flat key), else the dotted path walked through nested objects.
 */
export function getField(record: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.hasOwn(record, key)) return record[key];
  if (!key.includes('.')) return undefined;
  let value: unknown = record;
  for (const part of key.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
