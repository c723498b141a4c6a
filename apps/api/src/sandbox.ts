import type { ConnectorSandbox, RunningConnectorSandbox } from '@leadsync/connector-sdk';
import { ConnectionRepository, type Database, type SecretBox } from '@leadsync/db';
import type { Logger } from 'pino';
import { maskKey } from './modules/connections/connection.service.ts';

/** A connector's sandbox, its simulator started (`startSandboxSimulators`), not yet offered as a connection. */
export interface StartedSandbox {
  sandbox: ConnectorSandbox;
  running: RunningConnectorSandbox;
}

export interface SandboxOptions {
  db: Database;
  secretBox: SecretBox;
  organizationId: string;
  logger: Logger;
  /** Started first: their hosts go into the allowed hosts the runtime is built with. */
  started: readonly StartedSandbox[];
}

export interface RunningSandbox {
  /** The connections' ids, by their names. */
  connectionIds: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Starts every connector's sandbox (its simulator, on a port of its own). On a failure, the ones already started are
 * closed again.
 */
export async function startSandboxSimulators(
  sandboxes: readonly ConnectorSandbox[],
): Promise<StartedSandbox[]> {
  const started: StartedSandbox[] = [];
  try {
    for (const sandbox of sandboxes) started.push({ sandbox, running: await sandbox.start() });
  } catch (error) {
    await Promise.allSettled(started.map(({ running }) => running.close()));
    throw error;
  }
  return started;
}

/** The hosts the started sandboxes need allowed. */
export function sandboxAllowedHosts(started: readonly StartedSandbox[]): string[] {
  return started.flatMap(({ running }) => running.allowedHosts);
}

/** Creates the sandbox's connection, or brings it up to date (the simulator's port changes from start to start). */
async function upsertConnection(
  options: SandboxOptions,
  { sandbox, running }: StartedSandbox,
): Promise<string> {
  const { connectorId, connectionName: name } = sandbox;
  const { credentials, settings } = running;
  const maskedKey = maskKey(running.maskedKey);
  const primaryEmail = running.primaryEmail ?? null;
  const repository = new ConnectionRepository(options.db, options.organizationId);
  const existing = (await repository.list({ connectorId })).find((c) => c.name === name);
  if (existing) {
    await repository.update(existing.id, {
      settings,
      credentialsEncrypted: options.secretBox.sealJson(credentials, existing.id),
      maskedKey,
      primaryEmail,
      status: 'active',
    });
    return existing.id;
  }
  return options.db.transaction(async (tx) => {
    const inTransaction = new ConnectionRepository(tx, options.organizationId);
    // The credentials are sealed with the row's id as associated data, so the row comes first.
    const created = await inTransaction.create({
      connectorId,
      name,
      credentialsEncrypted: 'pending',
      settings,
      maskedKey,
      primaryEmail,
    });
    await inTransaction.update(created.id, {
      credentialsEncrypted: options.secretBox.sealJson(credentials, created.id),
    });
    return created.id;
  });
}

/**
 * A new user's first minute: every connector's sandbox (a simulator seeded with realistic records) offered as a ready
 * connection, found again by its name on the next start. Their ports change from start to start, so the connections'
 * settings are brought up to date each time; their data stays the same.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const connectionIds = new Map<string, string>();
  const close = async () => {
    await Promise.all(options.started.map(({ running }) => running.close()));
  };
  try {
    for (const started of options.started) {
      const connectionId = await upsertConnection(options, started);
      connectionIds.set(started.sandbox.connectionName, connectionId);
      options.logger.info(
        { ...started.running.logInfo, connector: started.sandbox.connectorId, connectionId },
        'sandbox: simulator ready',
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { connectionIds, close };
}
