import { zohoInvoiceConnector } from '@leadsync/connector-zoho-invoice';
import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { ConnectionRepository, type Database, type SecretBox } from '@leadsync/db';
import type { Logger } from 'pino';
import { maskKey } from './modules/connections/connection.service.ts';

export const SANDBOX_CONNECTION_NAME = 'Zoho Invoice (sandbox)';
/** Fixed, so the sandbox's contacts and credentials are the same on every start. */
const SANDBOX_SEED = 20_261_125;
const SANDBOX_CONTACTS = 3_000;

export interface SandboxOptions {
  db: Database;
  secretBox: SecretBox;
  organizationId: string;
  logger: Logger;
  /** Started first (`startSandboxSimulator`): its port goes into the allowed hosts the runtime is built with. */
  simulator: ZohoInvoiceSimulator;
}

export interface RunningSandbox {
  simulator: ZohoInvoiceSimulator;
  connectionId: string;
  close(): Promise<void>;
}

/** The sandbox's Zoho Invoice simulator, on a port of its own; `startSandbox` then offers it as a connection. */
export function startSandboxSimulator(): Promise<ZohoInvoiceSimulator> {
  return startZohoInvoiceSimulator({ seed: SANDBOX_SEED, contactsPerOrganization: SANDBOX_CONTACTS });
}

/**
 * A new user's first minute: the Zoho Invoice simulator, seeded with a few thousand realistic contacts (typos, role
 * addresses, duplicates, empty emails, custom fields), offered as a ready connection. Its port changes from start to
 * start, so the connection's settings are brought up to date each time; its data and credentials stay the same.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { simulator } = options;
  const settings = { dataCenter: 'com', apiUrl: simulator.apiUrl, accountsUrl: simulator.accountsUrl };
  const repository = new ConnectionRepository(options.db, options.organizationId);
  const existing = (await repository.list({ connectorId: zohoInvoiceConnector.id })).find(
    (connection) => connection.name === SANDBOX_CONNECTION_NAME,
  );
  const maskedKey = maskKey(zohoInvoiceConnector.maskedKey?.(simulator.credentials));
  let connectionId: string;
  if (existing) {
    connectionId = existing.id;
    await repository.update(existing.id, {
      settings,
      credentialsEncrypted: options.secretBox.sealJson(simulator.credentials, existing.id),
      maskedKey,
      primaryEmail: simulator.primaryEmail,
      status: 'active',
    });
  } else {
    connectionId = await options.db.transaction(async (tx) => {
      const inTransaction = new ConnectionRepository(tx, options.organizationId);
      // The credentials are sealed with the row's id as associated data, so the row comes first.
      const created = await inTransaction.create({
        connectorId: zohoInvoiceConnector.id,
        name: SANDBOX_CONNECTION_NAME,
        credentialsEncrypted: 'pending',
        settings,
        maskedKey,
        primaryEmail: simulator.primaryEmail,
      });
      await inTransaction.update(created.id, {
        credentialsEncrypted: options.secretBox.sealJson(simulator.credentials, created.id),
      });
      return created.id;
    });
  }
  options.logger.info({ apiUrl: simulator.apiUrl, connectionId }, 'sandbox: Zoho Invoice simulator ready');
  return { simulator, connectionId, close: () => simulator.close() };
}
