import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type ConnectorRegistry, fileSettingOf } from '@leadsync/connector-sdk';
import {
  ConnectionRepository,
  type Database,
  findConnectionAcrossOrganizations,
  isUuid,
  listOrganizationIds,
  OrganizationRepository,
  STORED_FILE_CHUNK_BYTES,
  StoredFileRepository,
} from '@leadsync/db';
import type { Engine } from '@leadsync/engine';
import { formatCount, type Writer, writeLine } from '../format.ts';
import { CliError } from '../lookup.ts';

/** The largest file the CLI stores unless told otherwise (the API's default limit too). */
export const DEFAULT_MAX_UPLOAD_BYTES = 500 * 1024 * 1024;

export interface UploadProgress {
  start(totalBytes: number, alreadyStored: number): void;
  update(storedBytes: number): void;
  stop(): void;
}

export interface FileUploadDeps {
  db: Database;
  engine: Engine;
  registry: ConnectorRegistry;
  progress?: UploadProgress;
}

export interface FileUploadOptions {
  /** The connector the file is for: it must take an uploaded file (a `file-upload` field in its spec). */
  connectorId: string;
  organizationId?: string;
  /** Point this connection at the new file (a new version of its settings), after the connector has checked it. */
  connectionId?: string;
  /** Go on with an upload that stopped (same file, same size). */
  resumeId?: string;
  maxBytes?: number;
}

async function organizationOf(db: Database, options: FileUploadOptions): Promise<string> {
  if (options.connectionId !== undefined) {
    const connection = await findConnectionAcrossOrganizations(db, options.connectionId);
    if (!connection || (options.organizationId && connection.organizationId !== options.organizationId)) {
      throw new CliError(`Connection ${options.connectionId} was not found.`);
    }
    return connection.organizationId;
  }
  if (options.organizationId !== undefined) {
    const organization = isUuid(options.organizationId)
      ? await new OrganizationRepository(db, options.organizationId).get()
      : undefined;
    if (!organization) throw new CliError(`Organization ${options.organizationId} was not found.`);
    return organization.id;
  }
  const all = await listOrganizationIds(db, 2);
  if (all.length === 1) return all[0]!;
  throw new CliError(
    all.length === 0
      ? 'There is no organization yet: start Leadsync once (`pnpm start`) first.'
      : 'There are several organizations: name one with --org <id>.',
  );
}

/**
 * `leadsync csv upload FILE`: stores the file as an upload of the organization, 1 MiB at a time straight from disk
 * (constant memory), with its SHA-256; `--resume <id>` goes on with an upload that stopped. Then the connector reads
 * its head and says what it detected, and with `--connection <id>` the connection reads the new file from its next run.
 */
export async function uploadFile(
  deps: FileUploadDeps,
  path: string,
  options: FileUploadOptions,
  out: Writer,
): Promise<{ fileId: string; sha256: string }> {
  const connector = deps.registry.get(options.connectorId);
  const setting = fileSettingOf(connector.spec);
  if (!setting)
    throw new CliError(`The connector "${connector.displayName}" does not take an uploaded file.`);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new CliError(`${path} is not a file.`);
  const size = info.size;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  if (size === 0) throw new CliError('The file is empty.');
  if (size > maxBytes) {
    throw new CliError(
      `The file is ${formatCount(size)} bytes; at most ${formatCount(maxBytes)} are accepted (--max-mb raises it).`,
    );
  }
  const organizationId = await organizationOf(deps.db, options);
  const files = new StoredFileRepository(deps.db, organizationId);
  const name = basename(path).slice(0, 255);
  let file = options.resumeId ? await files.find(options.resumeId) : await files.create({ name, size });
  if (!file) throw new CliError(`Upload ${options.resumeId} was not found.`);
  if (file.size !== size) {
    throw new CliError(`Upload ${file.id} is of a file of ${formatCount(file.size)} bytes, not of this one.`);
  }

  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  const buffer = Buffer.alloc(STORED_FILE_CHUNK_BYTES);
  try {
    // The bytes already stored are hashed from the local file: the checksum covers the whole file either way.
    let position = 0;
    while (position < file.receivedBytes) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(buffer.length, file.receivedBytes - position),
        position,
      );
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    deps.progress?.start(size, position);
    while (position < size) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
      if (bytesRead === 0) throw new CliError(`${path} became shorter while it was read.`);
      const piece = buffer.subarray(0, bytesRead);
      const result = await files.append(file.id, position, piece);
      if (!result.appended) throw new CliError(`Upload ${file.id} was written by someone else meanwhile.`);
      hash.update(piece);
      position += bytesRead;
      deps.progress?.update(position);
    }
  } finally {
    deps.progress?.stop();
    await handle.close();
  }
  const sha256 = hash.digest('hex');
  file = (await files.complete(file.id, file.sha256 ?? sha256)) ?? file;
  if (file.sha256 !== sha256)
    throw new CliError(`Upload ${file.id} does not hold this file (its checksum differs).`);
  writeLine(out, `Stored ${name}: ${formatCount(size)} bytes, sha256 ${sha256}`);
  writeLine(out, `Upload id: ${file.id}`);

  const settings = { [setting.key]: file.id, ...(setting.nameKey ? { [setting.nameKey]: name } : {}) };
  if (connector.previewSettings) {
    const preview = await connector.previewSettings(
      deps.engine.draftContext(organizationId, connector.id, {}, settings),
    );
    const detected = preview.options.map((option) => {
      const value = option.choices.find((c) => c.value === option.value)?.label ?? option.value;
      return `${option.label.toLowerCase()} ${value}${option.detected ? '' : ' (set)'}`;
    });
    writeLine(out, `Detected: ${detected.join(', ')}`);
    writeLine(out, `Columns: ${preview.columns.join(', ')}`);
    if (preview.estimatedRecords !== undefined)
      writeLine(out, `About ${formatCount(preview.estimatedRecords)} rows`);
  }

  if (options.connectionId) {
    const repository = new ConnectionRepository(deps.db, organizationId);
    const connection = await repository.get(options.connectionId);
    if (!connection) throw new CliError(`Connection ${options.connectionId} was not found.`);
    if (connection.connectorId !== connector.id) {
      throw new CliError(`Connection ${connection.id} is not a ${connector.displayName} connection.`);
    }
    // The connection's earlier options (delimiter, limits, …) stay; inline text gives way to the stored file.
    const { csv: _inline, ...kept } = connection.settings;
    const next = { ...kept, ...settings };
    await connector.check(deps.engine.connectorContext({ ...connection, settings: next }));
    await repository.update(connection.id, { settings: next });
    writeLine(out, `Connection "${connection.name}" reads this file from its next run.`);
  } else {
    writeLine(
      out,
      `Name it in a connection's settings: { "${setting.key}": "${file.id}" } (createConnection), ` +
        'or upload again with --connection <id>.',
    );
  }
  return { fileId: file.id, sha256 };
}
