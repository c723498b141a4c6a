import { StoredFileRepository } from '@leadsync/db/repositories';
import type { ApiDeps } from '../../graphql/deps.ts';
import { badInput } from '../../graphql/errors.ts';
import { unknownConnector } from '../connections/connection.errors.ts';
import type { FileUpload, SettingsPreview } from './upload.type.ts';

/** Uploads as GraphQL shows them, and what a connector detects in proposed settings (an uploaded file's). */
export class UploadService {
  private readonly files: StoredFileRepository;

  constructor(
    private readonly deps: ApiDeps,
    private readonly organizationId: string,
  ) {
    this.files = new StoredFileRepository(deps.db, organizationId);
  }

  async get(id: string): Promise<FileUpload | null> {
    const file = await this.files.find(id);
    if (!file) return null;
    return {
      id: file.id,
      name: file.name,
      size: file.size,
      receivedBytes: file.receivedBytes,
      complete: file.completedAt !== null,
      sha256: file.sha256,
      createdAt: file.createdAt,
    };
  }

  async previewSettings(
    connectorId: string,
    credentials: Record<string, unknown>,
    settings: Record<string, unknown>,
  ): Promise<SettingsPreview> {
    if (!this.deps.registry.has(connectorId)) throw unknownConnector(connectorId);
    const connector = this.deps.registry.get(connectorId);
    if (!connector.previewSettings) {
      throw badInput('connector', `The connector "${connector.displayName}" has no settings to preview.`);
    }
    const ctx = this.deps.engine.draftContext(this.organizationId, connectorId, credentials, settings);
    const preview = await connector.previewSettings(ctx);
    return { ...preview, estimatedRecords: preview.estimatedRecords ?? null };
  }
}
