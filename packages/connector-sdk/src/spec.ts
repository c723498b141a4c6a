import { z } from 'zod';

// A connector describes its connection form as data (Airbyte's `spec()`): a JSON Schema object for the credentials
// and one for the settings, each property with a title, a help text and, where it matters, whether it is secret,
// its choices, or that it takes an uploaded file. The console draws the form from it and knows no connector.

const choiceSchema = z.object({ const: z.string().max(200), title: z.string().min(1).max(200) });

/** One field of a connection form: a JSON Schema property with the hints a form needs. */
export const specPropertySchema = z.object({
  type: z.enum(['string', 'number', 'integer', 'boolean']),
  title: z.string().min(1).max(200),
  /** Help shown under the field. */
  description: z.string().max(2_000).optional(),
  /** A secret (password, token): sent once, stored encrypted, never shown again (JSON Schema's `writeOnly`). */
  writeOnly: z.boolean().optional(),
  /** Choices with their labels (JSON Schema's `oneOf` of `const`s). */
  oneOf: z.array(choiceSchema).max(500).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  minLength: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().nonnegative().optional(),
  /**
   * `file-upload`: the value is the id of a file uploaded with `POST /uploads` (the console uploads it in parts,
   * then shows what `previewSettings` detected in it); `uri`, `email`: what the text must be.
   */
  format: z.string().max(50).optional(),
  /** `file-upload`: what a file picker accepts (`.csv,text/csv`). */
  accept: z.string().max(200).optional(),
  /** `file-upload`: the settings key that takes the uploaded file's name. */
  fileNameKey: z.string().max(100).optional(),
  /** Folded under "Advanced": an override most people leave alone. */
  advanced: z.boolean().optional(),
  placeholder: z.string().max(200).optional(),
});
export type SpecProperty = z.infer<typeof specPropertySchema>;

export const specObjectSchema = z.object({
  type: z.literal('object'),
  /** In the order the form shows them. */
  properties: z.record(z.string().max(100), specPropertySchema),
  required: z.array(z.string().max(100)).max(100).optional(),
});
export type SpecObject = z.infer<typeof specObjectSchema>;

export const connectionSpecSchema = z.object({
  /** What a person must do at the source before connecting it, one step a line. */
  help: z.string().max(10_000).optional(),
  links: z
    .array(z.object({ title: z.string().min(1).max(200), url: z.url({ protocol: /^https$/ }) }))
    .max(20)
    .optional(),
  credentials: specObjectSchema,
  settings: specObjectSchema,
  /**
   * The credential that is the account's key: the one a new key must give (the other credentials are kept when
   * left empty), and whose last characters are shown masked.
   */
  accountKey: z.string().max(100).optional(),
});
export type ConnectionSpec = z.infer<typeof connectionSpecSchema>;

/** What a connector says of one field beyond what its zod schema says (type, required, choices, default). */
export interface FieldHints {
  title: string;
  description?: string;
  secret?: boolean;
  /** Labels of an enum's values, in the order to show them (every value of the enum must have one). */
  choices?: Record<string, string>;
  format?: 'file-upload' | 'uri' | 'email';
  accept?: string;
  fileNameKey?: string;
  advanced?: boolean;
  placeholder?: string;
  /** The form asks for it although the schema takes an alternative (a file id, or the text of older clients). */
  required?: boolean;
}

interface JsonProperty {
  type?: unknown;
  enum?: unknown[];
  default?: unknown;
  format?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

function specObject(what: string, schema: z.ZodType, hints: Record<string, FieldHints>): SpecObject {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonProperty>;
    required?: string[];
  };
  const properties: Record<string, SpecProperty> = {};
  for (const [key, hint] of Object.entries(hints)) {
    const property = json.properties?.[key];
    const type = property?.type === 'integer' ? 'integer' : property?.type;
    if (type !== 'string' && type !== 'number' && type !== 'integer' && type !== 'boolean') {
      throw new Error(`${what}.${key}: not a string, number or boolean of the schema`);
    }
    const values = property?.enum?.map(String);
    if (hint.choices || values) {
      const labelled = Object.keys(hint.choices ?? {});
      if (!values || values.length !== labelled.length || values.some((v) => !labelled.includes(v))) {
        throw new Error(`${what}.${key}: the choices must label every value of the schema's enum`);
      }
    }
    const format = hint.format ?? (typeof property?.format === 'string' ? property.format : undefined);
    properties[key] = specPropertySchema.parse({
      type,
      title: hint.title,
      description: hint.description,
      writeOnly: hint.secret || undefined,
      oneOf: hint.choices
        ? Object.entries(hint.choices).map(([value, title]) => ({ const: value, title }))
        : undefined,
      default: property?.default,
      minimum: property?.minimum,
      maximum: property?.maximum,
      minLength: property?.minLength,
      maxLength: property?.maxLength,
      format: format === 'uuid' ? undefined : format,
      accept: hint.accept,
      fileNameKey: hint.fileNameKey,
      advanced: hint.advanced,
      placeholder: hint.placeholder,
    });
  }
  const required = Object.keys(properties).filter(
    (key) => json.required?.includes(key) || hints[key]?.required,
  );
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/**
 * A connector's connection form from its own zod schemas plus a title and help per field: type, required, choices
 * and defaults come from the schemas (so the form cannot drift from what is checked); only the fields named in
 * `fields` are shown, in that order. Throws at import when a named field is not in the schema.
 */
export function connectionSpec(options: {
  help?: string;
  links?: { title: string; url: string }[];
  accountKey?: string;
  credentials: { schema: z.ZodType; fields: Record<string, FieldHints> };
  settings: { schema: z.ZodType; fields: Record<string, FieldHints> };
}): ConnectionSpec {
  if (options.accountKey !== undefined && !(options.accountKey in options.credentials.fields)) {
    throw new Error(`accountKey ${options.accountKey} is not one of the credentials`);
  }
  return connectionSpecSchema.parse({
    help: options.help,
    links: options.links,
    accountKey: options.accountKey,
    credentials: specObject('credentials', options.credentials.schema, options.credentials.fields),
    settings: specObject('settings', options.settings.schema, options.settings.fields),
  });
}

/**
 * The settings field that takes an uploaded file (`format: 'file-upload'`), as the apps need it: its key, the key
 * that takes the file's name, its title and what a picker accepts. Undefined: the connector takes no file.
 */
export function fileSettingOf(
  spec: ConnectionSpec | undefined,
): { key: string; nameKey?: string; label: string; accept?: string } | undefined {
  const found = Object.entries(spec?.settings.properties ?? {}).find(([, p]) => p.format === 'file-upload');
  if (!found) return undefined;
  const [key, property] = found;
  return { key, nameKey: property.fileNameKey, label: property.title, accept: property.accept };
}
