import { zohoCrmConnector } from '@leadsync/connector-zoho-crm';
import { startZohoCrmSimulator, type ZohoCrmSimulator } from '@leadsync/connector-zoho-crm/simulator';
import { zohoInvoiceConnector } from '@leadsync/connector-zoho-invoice';
import {
  startZohoInvoiceSimulator,
  type ZohoInvoiceSimulator,
} from '@leadsync/connector-zoho-invoice/simulator';
import { ConnectionRepository, type Database, type SecretBox } from '@leadsync/db';
import type { Logger } from 'pino';
import { maskKey } from './modules/connections/connection.service.ts';

export const SANDBOX_CONNECTION_NAME = 'Zoho Invoice (sandbox)';
export const SANDBOX_CRM_CONNECTION_NAME = 'Zoho CRM (sandbox)';
/** Fixed, so the sandbox's contacts and credentials are the same on every start. */
const SANDBOX_SEED = 20_261_125;
const SANDBOX_CONTACTS = 3_000;
const SANDBOX_CRM_CONTACTS = 1_000;

export interface SandboxOptions {
  db: Database;
  secretBox: SecretBox;
  organizationId: string;
  logger: Logger;
  /** Started first (`startSandboxSimulator`): its port goes into the allowed hosts the runtime is built with. */
  simulator: ZohoInvoiceSimulator;
  /** The Zoho CRM simulator (`startSandboxCrmSimulator`), started first for the same reason. */
  crm?: ZohoCrmSimulator;
}

export interface RunningSandbox {
  simulator: ZohoInvoiceSimulator;
  connectionId: string;
  crm?: ZohoCrmSimulator | undefined;
  crmConnectionId?: string | undefined;
  close(): Promise<void>;
}

/** The sandbox's Zoho Invoice simulator, on a port of its own; `startSandbox` then offers it as a connection. */
export function startSandboxSimulator(): Promise<ZohoInvoiceSimulator> {
  return startZohoInvoiceSimulator({ seed: SANDBOX_SEED, contactsPerOrganization: SANDBOX_CONTACTS });
}

/** The sandbox's Zoho CRM simulator (issue 21): leads and contacts, the free edition's daily credits reported. */
export function startSandboxCrmSimulator(): Promise<ZohoCrmSimulator> {
  return startZohoCrmSimulator({
    seed: SANDBOX_SEED,
    recordsPerModule: { Leads: SANDBOX_CONTACTS, Contacts: SANDBOX_CRM_CONTACTS },
    credits: { limit: 5_000 },
  });
}

interface SandboxConnection {
  connectorId: string;
  name: string;
  credentials: Record<string, string>;
  settings: Record<string, unknown>;
  maskedKey: ReturnType<typeof maskKey>;
  primaryEmail: string;
}

/** Creates the sandbox connection, or brings it up to date (the simulator's port changes from start to start). */
async function upsertConnection(options: SandboxOptions, connection: SandboxConnection): Promise<string> {
  const { connectorId, name, credentials, settings, maskedKey, primaryEmail } = connection;
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
 * A new user's first minute: the Zoho Invoice simulator, seeded with a few thousand realistic contacts (typos, role
 * addresses, duplicates, empty emails, custom fields), offered as a ready connection, and beside it the Zoho CRM
 * simulator's leads and contacts (when given). Their ports change from start to start, so the connections' settings
 * are brought up to date each time; their data stays the same.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { simulator, crm } = options;
  const connectionId = await upsertConnection(options, {
    connectorId: zohoInvoiceConnector.id,
    name: SANDBOX_CONNECTION_NAME,
    credentials: { ...simulator.credentials },
    settings: { dataCenter: 'com', apiUrl: simulator.apiUrl, accountsUrl: simulator.accountsUrl },
    maskedKey: maskKey(zohoInvoiceConnector.maskedKey?.(simulator.credentials)),
    primaryEmail: simulator.primaryEmail,
  });
  options.logger.info({ apiUrl: simulator.apiUrl, connectionId }, 'sandbox: Zoho Invoice simulator ready');
  let crmConnectionId: string | undefined;
  if (crm) {
    crmConnectionId = await upsertConnection(options, {
      connectorId: zohoCrmConnector.id,
      name: SANDBOX_CRM_CONNECTION_NAME,
      credentials: { ...crm.credentials },
      settings: { dataCenter: 'com', apiUrl: crm.apiUrl, accountsUrl: crm.accountsUrl },
      maskedKey: maskKey(zohoCrmConnector.maskedKey?.(crm.credentials)),
      primaryEmail: crm.primaryEmail,
    });
    options.logger.info(
      { apiUrl: crm.apiUrl, connectionId: crmConnectionId },
      'sandbox: Zoho CRM simulator ready',
    );
  }
  return {
    simulator,
    connectionId,
    crm,
    crmConnectionId,
    close: async () => {
      await Promise.all([simulator.close(), crm?.close()]);
    },
  };
}
