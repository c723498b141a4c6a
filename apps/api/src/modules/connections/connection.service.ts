import {
  type CheckResult,
  type FieldDescriptor,
  InvalidCredentialsError,
  type SourceOrganization,
} from '@leadsync/connector-sdk';
import { ConnectionRepository, SyncRepository } from '@leadsync/db/repositories';
import type { Connection as ConnectionRow } from '@leadsync/db/schema';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { badInput } from '../../graphql/errors.ts';
import { parse } from '../../graphql/validation.ts';
import { connectionNotFound, unknownConnector } from './connection.errors.ts';
import { type Connection, ConnectionStatus } from './connection.type.ts';

export const createConnectionSchema = z.object({
  connector: z.string().trim().min(1, 'a connector id is required'),
  name: z.string().trim().min(1, 'a name is required').max(200, 'at most 200 characters'),
  credentials: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()).nullish(),
});

/** A placeholder sealed value, replaced in the same transaction once the row (and so its id) exists. */
const PENDING = 'pending';

export function toConnection(row: ConnectionRow): Connection {
  return {
    id: row.id,
    connector: row.connectorId,
    name: row.name,
    status:
      row.status === 'active'
        ? ConnectionStatus.ACTIVE
        : row.status === 'needs_permission'
          ? ConnectionStatus.NEEDS_PERMISSION
          : ConnectionStatus.NEEDS_NEW_KEY,
    primaryEmail: row.primaryEmail,
    statusReason: row.status === 'active' ? null : row.statusReason,
    maskedKey: row.maskedKey,
  };
}

/** Never more than the last 4 characters of a key, whatever a connector offers. */
export function maskKey(raw: string | undefined): string | null {
  if (!raw) return null;
  const visible = raw.replace(/[^A-Za-z0-9]/g, '').slice(-4);
  return visible ? `…${visible}` : null;
}

export class ConnectionService {
  private readonly connections: ConnectionRepository;

  constructor(
    private readonly deps: ApiDeps,
    private readonly organizationId: string,
  ) {
    this.connections = new ConnectionRepository(deps.db, organizationId);
  }

  list(): Promise<ConnectionRow[]> {
    return this.connections.list();
  }

  async get(id: string): Promise<ConnectionRow> {
    const row = await this.connections.get(id);
    if (!row) throw connectionNotFound(id);
    return row;
  }

  private connectorOf(id: string) {
    if (!this.deps.registry.has(id)) throw unknownConnector(id);
    return this.deps.registry.get(id);
  }

  /** Asks the source whether the key is good; a refusal is the caller's bad input, and nothing is stored. */
  private async check(connectorId: string, credentials: unknown, settings: unknown): Promise<CheckResult> {
    try {
      return await this.deps.engine.checkCredentials(connectorId, credentials, settings, this.organizationId);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        // The field at fault when the source says which (Zoho: the client id/secret, or the refresh token).
        throw error.field
          ? badInput(`credentials.${error.field}`, error.userMessage)
          : badInput('credentials', 'The source refused these credentials: check the account key.');
      }
      throw error;
    }
  }

  private seal(connectorId: string, credentials: unknown, connectionId: string) {
    const connector = this.connectorOf(connectorId);
    const parsed = connector.credentialsSchema.safeParse(credentials);
    const masked = parsed.success ? maskKey(connector.maskedKey?.(parsed.data)) : null;
    return {
      credentialsEncrypted: this.deps.secretBox.sealJson(credentials, connectionId),
      maskedKey: masked,
    };
  }

  async create(raw: unknown): Promise<ConnectionRow> {
    const input = parse(createConnectionSchema, raw, 'input');
    this.connectorOf(input.connector);
    const settings = input.settings ?? {};
    const checked = await this.check(input.connector, input.credentials, settings);
    return this.deps.db.transaction(async (tx) => {
      const repository = new ConnectionRepository(tx, this.organizationId);
      const created = await repository.create({
        connectorId: input.connector,
        name: input.name,
        credentialsEncrypted: PENDING,
        settings,
        primaryEmail: checked.primaryEmail ?? null,
      });
      const updated = await repository.update(
        created.id,
        this.seal(input.connector, input.credentials, created.id),
      );
      if (!updated) throw new Error('connection vanished while being created');
      return updated;
    });
  }

  /**
   * DESIGN.md §4: the new key is checked first (refused: nothing changes); then the connection is `active` with
   * it, and every sync of the connection is `inactive` (`credentials_changed`) and unscheduled until activated.
   */
  async updateCredentials(id: string, given: Record<string, unknown>): Promise<ConnectionRow> {
    const current = await this.get(id);
    // Only the parts given change: a new refresh token alone keeps the stored client id and secret.
    const credentials = { ...this.storedCredentials(current), ...given };
    const checked = await this.check(current.connectorId, credentials, current.settings);
    const syncs = new SyncRepository(this.deps.db, this.organizationId);
    const affected = (await syncs.listByConnection(id)).filter((sync) => sync.status !== 'draft');
    const sealed = this.seal(current.connectorId, credentials, id);
    const updated = await this.connections.replaceCredentials(id, {
      ...sealed,
      primaryEmail: checked.primaryEmail ?? current.primaryEmail,
    });
    if (!updated) throw connectionNotFound(id);
    for (const sync of affected) await this.deps.scheduler.unscheduleSync(sync.organizationId, sync.id);
    return updated;
  }

  /** The connection's credentials as stored; none when they cannot be read (the server's secret key changed). */
  private storedCredentials(connection: ConnectionRow): Record<string, unknown> {
    try {
      const stored = this.deps.secretBox.openJson(connection.credentialsEncrypted, connection.id);
      return stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /** New settings (e.g. the CSV text), checked with the current credentials before they are stored. */
  async updateSettings(id: string, settings: Record<string, unknown>): Promise<ConnectionRow> {
    const current = await this.get(id);
    const credentials = this.deps.secretBox.openJson(current.credentialsEncrypted, current.id);
    await this.check(current.connectorId, credentials, settings);
    const updated = await this.connections.update(id, { settings });
    if (!updated) throw connectionNotFound(id);
    return updated;
  }

  async rename(id: string, name: string): Promise<ConnectionRow> {
    const trimmed = parse(createConnectionSchema.shape.name, name, 'name');
    const updated = await this.connections.update(id, { name: trimmed });
    if (!updated) throw connectionNotFound(id);
    return updated;
  }

  /** Deletes the connection with its syncs (and their jobs), runs and records. */
  async delete(id: string): Promise<boolean> {
    const syncs = await new SyncRepository(this.deps.db, this.organizationId).listByConnection(id);
    const deleted = await this.connections.delete(id);
    if (!deleted) throw connectionNotFound(id);
    for (const sync of syncs) await this.deps.scheduler.unscheduleSync(sync.organizationId, sync.id);
    return true;
  }

  async sourceOrganizations(id: string): Promise<SourceOrganization[]> {
    const row = await this.get(id);
    const connector = this.connectorOf(row.connectorId);
    return connector.listOrganizations(this.deps.engine.connectorContext(row));
  }

  async sourceFields(id: string, sourceOrganizationId?: string | null): Promise<FieldDescriptor[]> {
    const row = await this.get(id);
    const connector = this.connectorOf(row.connectorId);
    return connector.fields(this.deps.engine.connectorContext(row), sourceOrganizationId ?? undefined);
  }
}
