import { describe, expect, it } from 'vitest';
import type { ConnectionSpec } from '../api/types.ts';
import { regionField } from '../test/specs.ts';
import {
  fileField,
  helpSteps,
  initialValues,
  inSentence,
  keyFields,
  specFields,
  toInput,
  validateValues,
} from './spec.ts';

// A spec of every kind, as a connector the console has never heard of would serve it.
const spec: ConnectionSpec = {
  help: '1. Create an API user.\n\n2. Copy its token.',
  accountKey: 'token',
  credentials: {
    type: 'object',
    properties: {
      user: { type: 'string', title: 'User name', description: 'As shown on your profile.' },
      token: { type: 'string', title: 'Token', writeOnly: true },
    },
    required: ['user', 'token'],
  },
  settings: {
    type: 'object',
    properties: {
      region: regionField,
      pageSize: { type: 'integer', title: 'Page size', minimum: 1, maximum: 200, advanced: true },
      archived: { type: 'boolean', title: 'Include archived', default: false },
      apiUrl: { type: 'string', title: 'API URL', format: 'uri', advanced: true },
      fileId: { type: 'string', title: 'Export', format: 'file-upload', fileNameKey: 'fileName' },
    },
    required: ['fileId'],
  },
};

describe('the connection form model', () => {
  const fields = specFields(spec);

  it('reads each field kind from the spec alone', () => {
    expect(fields.map((f) => [f.path, f.kind, f.required, f.advanced])).toEqual([
      ['credentials.user', 'text', true, false],
      ['credentials.token', 'secret', true, false],
      ['settings.region', 'choice', false, false],
      ['settings.pageSize', 'number', false, true],
      ['settings.archived', 'boolean', false, false],
      ['settings.apiUrl', 'text', false, true],
      ['settings.fileId', 'file', true, false],
    ]);
    expect(fields[2]?.choices).toEqual([
      { value: 'eu', label: 'Europe' },
      { value: 'us', label: 'United States' },
    ]);
    expect(fileField(spec)?.path).toBe('settings.fileId');
    expect(fileField(null)).toBeUndefined();
    expect(helpSteps(spec)).toEqual(['1. Create an API user.', '2. Copy its token.']);
    expect([inSentence('Client ID'), inSentence('API token')]).toEqual(['client ID', 'API token']);
  });

  it('names every field at fault, then makes the credentials and settings', () => {
    const values = initialValues(fields);
    expect(values).toMatchObject({
      'settings.region': 'us',
      'settings.archived': false,
      'settings.fileId': null,
    });
    expect(validateValues(fields, values)).toEqual({
      'credentials.user': 'Enter the user name.',
      'credentials.token': 'Enter the token.',
      'settings.fileId': 'Choose a file and wait until it is uploaded and read.',
    });
    const bad = {
      ...values,
      'settings.pageSize': '2.5',
      'settings.apiUrl': 'ftp://x',
      'settings.region': 'mars',
    };
    expect(validateValues(fields, bad)).toMatchObject({
      'settings.pageSize': 'Enter a whole number.',
      'settings.apiUrl': 'Enter an address starting with https:// or http://.',
      'settings.region': 'Choose one of the options.',
    });
    expect(validateValues(fields, { ...values, 'settings.pageSize': '500' })['settings.pageSize']).toBe(
      'At most 200.',
    );
    const good = {
      ...values,
      'credentials.user': ' ana ',
      'credentials.token': 'tok',
      'settings.pageSize': '50',
      'settings.archived': true,
      'settings.fileId': {
        settings: { fileId: 'f1', fileName: 'export.csv', delimiter: ';' },
        fileName: 'export.csv',
      },
    };
    expect(validateValues(fields, good)).toEqual({});
    expect(toInput(fields, good)).toEqual({
      credentials: { user: 'ana', token: 'tok' },
      settings: {
        region: 'us',
        pageSize: 50,
        archived: true,
        fileId: 'f1',
        fileName: 'export.csv',
        delimiter: ';',
      },
    });
  });

  it('asks a new key for the account key alone, the other credentials kept when left empty', () => {
    const fields = keyFields(spec);
    expect(fields.map((f) => [f.path, f.required, f.help])).toEqual([
      ['credentials.token', true, undefined],
      ['credentials.user', false, 'Leave empty to keep the stored one.'],
    ]);
    const values = { ...initialValues(fields), 'credentials.token': 'new' };
    expect(validateValues(fields, values)).toEqual({});
    expect(toInput(fields, values)).toEqual({ credentials: { token: 'new' }, settings: {} });
  });
});
