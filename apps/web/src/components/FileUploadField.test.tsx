import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Provider } from 'urql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeClient } from '../test/fakeApi.ts';
import type { FormField, UploadedFile } from '../wizard/spec.ts';
import { FileUploadField } from './FileUpload.tsx';

// Issue 24: what the connector detected in an uploaded file (encoding, delimiter, header row) is shown before the
// sync exists, and each of it can be changed: the file is read again with the choice, and the connection gets it.

const field: FormField = {
  path: 'settings.fileId',
  section: 'settings',
  key: 'fileId',
  kind: 'file',
  title: 'CSV file',
  required: true,
  advanced: false,
  choices: [],
  property: {
    type: 'string',
    title: 'CSV file',
    format: 'file-upload',
    accept: '.csv',
    fileNameKey: 'fileName',
  },
};

const choices = {
  encoding: [
    { value: 'utf-8', label: 'UTF-8' },
    { value: 'windows-1252', label: 'Windows-1252 (Western European)' },
  ],
  delimiter: [
    { value: ',', label: 'Comma (,)' },
    { value: ';', label: 'Semicolon (;)' },
  ],
};

/** The connector's answer: what it detected, unless the settings name it. */
function preview(settings: Record<string, unknown>) {
  const encoding = (settings.encoding as string | undefined) ?? 'windows-1252';
  const delimiter = (settings.delimiter as string | undefined) ?? ';';
  return {
    data: {
      previewConnectionSettings: {
        settings: { ...settings, encoding, delimiter, headerRow: true },
        options: [
          {
            key: 'encoding',
            label: 'Encoding',
            value: encoding,
            detected: !settings.encoding,
            choices: choices.encoding,
          },
          {
            key: 'delimiter',
            label: 'Delimiter',
            value: delimiter,
            detected: !settings.delimiter,
            choices: choices.delimiter,
          },
        ],
        columns: ['email', 'name'],
        rows: [['jose@example.com', encoding === 'utf-8' ? 'JosÃ©' : 'José']],
        estimatedRecords: 1,
      },
    },
  };
}

describe('an uploaded file in the connection form', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows what was detected in it before any sync exists, and reads it again with a changed choice', async () => {
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const body = (value: object, status = 200) =>
        new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
      if (String(input) === '/uploads') return body({ id: 'u1', offset: 0, complete: false }, 201);
      const size = (init?.body as Blob | undefined)?.size ?? 0;
      return body({ id: 'u1', offset: size, complete: true });
    });
    const { client, calls } = fakeClient({
      previewConnectionSettings: (v) => preview(v.settings as Record<string, unknown>),
    });
    const uploaded: (UploadedFile | null)[] = [];
    render(
      <Provider value={client}>
        <FileUploadField connectorId="csv" field={field} onUploaded={(u) => uploaded.push(u)} />
      </Provider>,
    );
    const file = new File([Buffer.from('email;name\r\njose@example.com;Jos\xe9\r\n', 'latin1')], 'fair.csv');
    fireEvent.change(screen.getByTestId('field-settings.fileId'), { target: { files: [file] } });

    const encoding = (await screen.findByTestId('file-option-encoding')) as HTMLSelectElement;
    expect(encoding.value).toBe('windows-1252');
    expect((screen.getByTestId('file-option-delimiter') as HTMLSelectElement).value).toBe(';');
    expect(screen.getAllByText('Detected in the file; change it if it is wrong.')).toHaveLength(2);
    expect(screen.getByTestId('file-sample').textContent).toContain('José');
    expect(uploaded.at(-1)).toEqual({
      settings: {
        fileId: 'u1',
        fileName: 'fair.csv',
        encoding: 'windows-1252',
        delimiter: ';',
        headerRow: true,
      },
      fileName: 'fair.csv',
    });

    fireEvent.change(encoding, { target: { value: 'utf-8' } });
    await waitFor(() => expect(screen.getByTestId('file-sample').textContent).toContain('JosÃ©'));
    const previews = calls.filter((c) => c.operationName === 'PreviewConnectionSettings');
    // The choice alone is sent: what was not chosen is detected again (the delimiter, in the text read anew).
    expect(previews.map((c) => c.variables.settings)).toEqual([
      { fileId: 'u1', fileName: 'fair.csv' },
      { fileId: 'u1', fileName: 'fair.csv', encoding: 'utf-8' },
    ]);
    expect(screen.getByTestId('file-option-delimiter').getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getAllByText('Detected in the file; change it if it is wrong.')).toHaveLength(1);
    expect(uploaded.at(-1)?.settings).toEqual({
      fileId: 'u1',
      fileName: 'fair.csv',
      encoding: 'utf-8',
      delimiter: ';',
      headerRow: true,
    });
  });
});
