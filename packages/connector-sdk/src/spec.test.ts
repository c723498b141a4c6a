import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectionSpec, connectionSpecSchema, fileSettingOf } from './spec.ts';

const credentials = z.object({ user: z.string().trim().min(1), token: z.string().min(8) });
const settings = z.object({
  region: z.enum(['eu', 'us']).default('eu'),
  pageSize: z.number().int().min(1).max(500).optional(),
  verbose: z.boolean().default(false),
  fileId: z.string().uuid().optional(),
  hiddenOverride: z.string().optional(),
});

describe('connectionSpec', () => {
  it('takes types, required keys, defaults and bounds from the schemas, and titles, help and secrets from the hints', () => {
    const spec = connectionSpec({
      help: 'Create a token first.',
      accountKey: 'token',
      credentials: {
        schema: credentials,
        fields: {
          user: { title: 'User' },
          token: { title: 'Token', secret: true, description: 'Kept encrypted.' },
        },
      },
      settings: {
        schema: settings,
        fields: {
          region: { title: 'Region', choices: { eu: 'Europe', us: 'United States' } },
          pageSize: { title: 'Page size', advanced: true },
          verbose: { title: 'Verbose' },
          fileId: {
            title: 'File',
            format: 'file-upload',
            accept: '.csv',
            fileNameKey: 'name',
            required: true,
          },
        },
      },
    });
    expect(connectionSpecSchema.parse(spec)).toEqual(spec);
    expect(spec.credentials).toEqual({
      type: 'object',
      properties: {
        user: { type: 'string', title: 'User', minLength: 1 },
        token: {
          type: 'string',
          title: 'Token',
          writeOnly: true,
          description: 'Kept encrypted.',
          minLength: 8,
        },
      },
      required: ['user', 'token'],
    });
    expect(spec.settings.properties.region).toEqual({
      type: 'string',
      title: 'Region',
      default: 'eu',
      oneOf: [
        { const: 'eu', title: 'Europe' },
        { const: 'us', title: 'United States' },
      ],
    });
    expect(spec.settings.properties.pageSize).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    expect(spec.settings.properties.verbose).toMatchObject({ type: 'boolean', default: false });
    expect(spec.settings.properties.fileId).toMatchObject({
      format: 'file-upload',
      accept: '.csv',
      fileNameKey: 'name',
    });
    // Only the fields named are in the form, in their order; a required one by hint is required.
    expect(Object.keys(spec.settings.properties)).toEqual(['region', 'pageSize', 'verbose', 'fileId']);
    expect(spec.settings.required).toEqual(['fileId']);
    // What the apps need of the file field (the CLI's upload, `Connector.fileSetting`), from the spec alone.
    expect(fileSettingOf(spec)).toEqual({ key: 'fileId', nameKey: 'name', label: 'File', accept: '.csv' });
    expect(fileSettingOf({ ...spec, settings: { type: 'object', properties: {} } })).toBeUndefined();
    expect(fileSettingOf(undefined)).toBeUndefined();
  });

  it('refuses a field the schema lacks, an enum with an unlabelled value, and an account key that is no credential', () => {
    const base = { credentials: { schema: credentials, fields: { user: { title: 'User' } } } };
    expect(() =>
      connectionSpec({ ...base, settings: { schema: settings, fields: { missing: { title: 'Missing' } } } }),
    ).toThrow(/settings\.missing/);
    expect(() =>
      connectionSpec({
        ...base,
        settings: { schema: settings, fields: { region: { title: 'Region', choices: { eu: 'Europe' } } } },
      }),
    ).toThrow(/label every value/);
    expect(() =>
      connectionSpec({ ...base, accountKey: 'token', settings: { schema: settings, fields: {} } }),
    ).toThrow(/accountKey/);
  });
});
