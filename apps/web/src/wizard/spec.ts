import type { ConnectionSpec, SpecProperty } from '../api/types.ts';

// The connection form as a model, free of React: which fields a connector's spec asks for, their values, what is
// wrong with them, and the credentials and settings they make. The console knows no connector; it knows kinds.

export type FieldKind = 'text' | 'secret' | 'choice' | 'boolean' | 'number' | 'file';
export type Section = 'credentials' | 'settings';

export interface FormField {
  /** `credentials.<key>` or `settings.<key>`: how values and the API's field errors name it. */
  path: string;
  section: Section;
  key: string;
  kind: FieldKind;
  title: string;
  help?: string;
  required: boolean;
  advanced: boolean;
  choices: { value: string; label: string }[];
  property: SpecProperty;
}

/** A file field's value once the file is uploaded and read: the settings it makes, and the file's name. */
export interface UploadedFile {
  settings: Record<string, unknown>;
  fileName: string | null;
}

/** Values by field path: text as typed, booleans as booleans, an uploaded file as what it made. */
export type SpecValues = Record<string, string | boolean | UploadedFile | null>;

function kindOf(property: SpecProperty): FieldKind {
  if (property.format === 'file-upload') return 'file';
  if (property.type === 'boolean') return 'boolean';
  if (property.type === 'number' || property.type === 'integer') return 'number';
  if (property.oneOf?.length) return 'choice';
  return property.writeOnly ? 'secret' : 'text';
}

/** The fields of a spec, credentials first, each in the spec's order. */
export function specFields(spec: ConnectionSpec): FormField[] {
  const fields: FormField[] = [];
  for (const section of ['credentials', 'settings'] as const) {
    const object = spec[section];
    for (const [key, property] of Object.entries(object.properties)) {
      fields.push({
        path: `${section}.${key}`,
        section,
        key,
        kind: kindOf(property),
        title: property.title,
        help: property.description,
        required: object.required?.includes(key) ?? false,
        advanced: property.advanced ?? false,
        choices: (property.oneOf ?? []).map((c) => ({ value: c.const, label: c.title })),
        property,
      });
    }
  }
  return fields;
}

/**
 * The fields for entering a connection's key again: its credentials, the account key first and required, the others
 * optional (left empty, the stored value is kept).
 */
export function keyFields(spec: ConnectionSpec): FormField[] {
  const credentials = specFields(spec).filter((f) => f.section === 'credentials');
  const isKey = (f: FormField) => f.key === spec.accountKey;
  return [...credentials.filter(isKey), ...credentials.filter((f) => !isKey(f))].map((f) => ({
    ...f,
    required: isKey(f),
    help: isKey(f) ? f.help : 'Leave empty to keep the stored one.',
  }));
}

/** The spec's file field (an uploaded file), if it takes one. */
export function fileField(spec: ConnectionSpec | null | undefined): FormField | undefined {
  return spec ? specFields(spec).find((f) => f.kind === 'file') : undefined;
}

export function initialValues(fields: readonly FormField[]): SpecValues {
  const values: SpecValues = {};
  for (const f of fields) {
    const fallback = f.property.default;
    if (f.kind === 'boolean') values[f.path] = fallback === true;
    else if (f.kind === 'file') values[f.path] = null;
    else if (f.kind === 'choice') values[f.path] = String(fallback ?? f.choices[0]?.value ?? '');
    else values[f.path] = fallback === undefined ? '' : String(fallback);
  }
  return values;
}

/** A title inside a sentence: "Client ID" -> "client ID", but "API token" stays as it is. */
export function inSentence(title: string): string {
  return /^[A-Z][A-Z]/.test(title) ? title : `${title.charAt(0).toLowerCase()}${title.slice(1)}`;
}

function text(values: SpecValues, path: string): string {
  const value = values[path];
  return typeof value === 'string' ? value.trim() : '';
}

function isUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** What is wrong with the values, by field path (empty: nothing). */
export function validateValues(fields: readonly FormField[], values: SpecValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    if (f.kind === 'boolean') continue;
    const value = f.kind === 'file' ? (values[f.path] ? 'uploaded' : '') : text(values, f.path);
    const p = f.property;
    if (value === '') {
      if (f.required) {
        errors[f.path] =
          f.kind === 'file'
            ? 'Choose a file and wait until it is uploaded and read.'
            : `Enter the ${inSentence(f.title)}.`;
      }
      continue;
    }
    if (f.kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || (p.type === 'integer' && !Number.isInteger(n))) {
        errors[f.path] = p.type === 'integer' ? 'Enter a whole number.' : 'Enter a number.';
      } else if (p.minimum !== undefined && n < p.minimum) errors[f.path] = `At least ${p.minimum}.`;
      else if (p.maximum !== undefined && n > p.maximum) errors[f.path] = `At most ${p.maximum}.`;
      continue;
    }
    if (p.maxLength !== undefined && value.length > p.maxLength) {
      errors[f.path] = `At most ${p.maxLength} characters.`;
    } else if (p.format === 'uri' && !isUrl(value)) {
      errors[f.path] = 'Enter an address starting with https:// or http://.';
    } else if (f.kind === 'choice' && !f.choices.some((c) => c.value === value)) {
      errors[f.path] = 'Choose one of the options.';
    }
  }
  return errors;
}

/**
 * The credentials and settings the values make: text trimmed, empty fields left out, numbers as numbers, and what
 * an uploaded file made (its id, name and the options detected in it) merged into its section.
 */
export function toInput(
  fields: readonly FormField[],
  values: SpecValues,
): { credentials: Record<string, unknown>; settings: Record<string, unknown> } {
  const out = { credentials: {} as Record<string, unknown>, settings: {} as Record<string, unknown> };
  for (const f of fields) {
    const value = values[f.path];
    if (f.kind === 'boolean') {
      out[f.section][f.key] = value === true;
      continue;
    }
    if (f.kind === 'file') {
      if (value && typeof value === 'object') Object.assign(out[f.section], value.settings);
      continue;
    }
    const typed = text(values, f.path);
    if (typed !== '') out[f.section][f.key] = f.kind === 'number' ? Number(typed) : typed;
  }
  return out;
}

/** The help of a spec as steps, one a line. */
export function helpSteps(spec: ConnectionSpec | null | undefined): string[] {
  return (spec?.help ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
