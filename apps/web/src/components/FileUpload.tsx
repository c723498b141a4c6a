import { useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { readStoredKey } from '../api/client.ts';
import { PreviewConnectionSettingsQuery } from '../api/operations.ts';
import type { SettingsPreview } from '../api/types.ts';
import type { FormField, UploadedFile } from '../wizard/spec.ts';
import { Field } from './ui.tsx';

/** Bytes per `PUT /uploads/<id>`: the progress bar moves once per chunk. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
const RETRIES = 5;

interface UploadAnswer {
  id: string;
  offset: number;
  complete: boolean;
  error?: string;
}

async function call(path: string, init: RequestInit): Promise<{ status: number; body: UploadAnswer }> {
  const response = await fetch(path, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Bearer ${readStoredKey() ?? ''}` },
  });
  const body = (await response.json().catch(() => ({}))) as UploadAnswer;
  return { status: response.status, body };
}

/**
 * Sends a file to `POST /uploads` and `PUT /uploads/<id>` in chunks, calling `onProgress` with the bytes stored.
 * A dropped chunk is retried from the offset the server reports (`GET /uploads/<id>`). Resolves to the upload id.
 */
export async function uploadInChunks(file: File, onProgress: (stored: number) => void): Promise<string> {
  const started = await call('/uploads', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: file.name, size: file.size }),
  });
  if (started.status !== 201) throw new Error(started.body.error ?? 'The upload could not start.');
  const id = started.body.id;
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    const end = Math.min(file.size, offset + UPLOAD_CHUNK_BYTES);
    try {
      const sent = await call(`/uploads/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${offset}-${end - 1}/${file.size}`,
        },
        body: file.slice(offset, end),
      });
      if (sent.status === 200 || sent.status === 409) {
        offset = sent.body.offset;
        onProgress(offset);
        failures = 0;
        continue;
      }
      if (sent.status < 500) throw new Error(sent.body.error ?? 'The upload was refused.');
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // a network failure is a TypeError: try again
    }
    if (++failures > RETRIES) throw new Error('The connection keeps dropping; try the upload again later.');
    await new Promise((resolve) => setTimeout(resolve, 500 * failures));
    const now = await call(`/uploads/${encodeURIComponent(id)}`, { method: 'GET' }).catch(() => undefined);
    if (now?.status === 200) {
      offset = now.body.offset;
      onProgress(offset); // what the server kept of the dropped part
    }
  }
  return id;
}

interface Props {
  connectorId: string;
  /** A spec field of kind `file` (format `file-upload`). */
  field: FormField;
  error?: string;
  /** What the file made once uploaded and read (null while there is nothing). */
  onUploaded: (uploaded: UploadedFile | null) => void;
}

/**
 * A spec's file field: the file uploaded in chunks with a progress bar, then what the connector detected in it
 * (`previewConnectionSettings`), each option changeable.
 */
export function FileUploadField({ connectorId, field, error, onUploaded }: Props) {
  const client = useClient();
  const { key, property } = field;
  // The latest callback, out of the effect's dependencies: a new function each render must not read the file again.
  const report = useRef(onUploaded);
  report.current = onUploaded;
  const [file, setFile] = useState<File | null>(null);
  const [stored, setStored] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const [settings, setSettings] = useState<Record<string, unknown> | null>(null);
  const [preview, setPreview] = useState<SettingsPreview | null>(null);

  useEffect(() => {
    if (!settings) return;
    let current = true;
    client
      .query<{ previewConnectionSettings: SettingsPreview }>(
        PreviewConnectionSettingsQuery,
        { connector: connectorId, settings },
        { requestPolicy: 'network-only' },
      )
      .toPromise()
      .then((result) => {
        if (!current) return;
        const next = result.data?.previewConnectionSettings ?? null;
        setPreview(next);
        setFailure(next ? null : (result.error?.graphQLErrors[0]?.message ?? 'The file could not be read.'));
        report.current(next ? { settings: next.settings, fileName: file?.name ?? null } : null);
      });
    return () => {
      current = false;
    };
  }, [client, connectorId, settings, file]);

  async function choose(chosen: File | undefined) {
    setFile(chosen ?? null);
    setPreview(null);
    setSettings(null);
    setFailure(null);
    setStored(0);
    report.current(null);
    if (!chosen) return;
    try {
      const id = await uploadInChunks(chosen, setStored);
      setSettings({ [key]: id, ...(property.fileNameKey ? { [property.fileNameKey]: chosen.name } : {}) });
    } catch (e) {
      setFailure(e instanceof Error ? e.message : 'The upload failed.');
    }
  }

  const percent = file && file.size > 0 ? Math.round((stored / file.size) * 100) : 0;
  const hint = preview
    ? `${file?.name}: about ${preview.estimatedRecords ?? preview.rows.length} rows; columns ${preview.columns.join(', ')}.`
    : file
      ? `Uploading ${file.name}: ${percent}%`
      : field.help;

  return (
    <>
      <Field label={field.title} error={failure ?? error} hint={hint}>
        {(p) => (
          <input
            {...p}
            type="file"
            accept={property.accept}
            onChange={(e) => void choose(e.target.files?.[0])}
            data-testid={`field-${field.path}`}
          />
        )}
      </Field>
      {file ? (
        <progress
          className="upload-progress"
          max={file.size}
          value={stored}
          aria-label={`Upload of ${file.name}`}
          data-testid="upload-progress"
        >
          {percent}%
        </progress>
      ) : null}
      {preview
        ? preview.options.map((option) => (
            <Field
              key={option.key}
              label={option.label}
              hint={option.detected ? 'Detected in the file; change it if it is wrong.' : undefined}
            >
              {(p) => (
                <select
                  {...p}
                  value={option.value}
                  // The choices made, not all that was detected: the rest is detected again (a delimiter is
                  // found in the text the new encoding reads).
                  onChange={(e) => setSettings({ ...(settings ?? {}), [option.key]: e.target.value })}
                  data-testid={`file-option-${option.key}`}
                >
                  {option.choices.map((choice) => (
                    <option key={choice.value} value={choice.value}>
                      {choice.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ))
        : null}
      {preview && preview.rows.length > 0 ? (
        <table className="file-sample" data-testid="file-sample">
          <caption>The first rows as they will be read</caption>
          <thead>
            <tr>
              {preview.columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.slice(0, 5).map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: sample rows have no identity but their place.
              <tr key={i}>
                {row.map((cell, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
                  <td key={j}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
