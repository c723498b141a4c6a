import 'reflect-metadata';
import type { ApiKeyPrincipal, MailingListWithCount } from '@leadsync/db/repositories';
import { ConnectionRepository, MailingListRepository, SyncRunRepository } from '@leadsync/db/repositories';
import type { Connection, SyncRun } from '@leadsync/db/schema';
import DataLoader from 'dataloader';
import { ApiKeyService } from '../modules/api-keys/api-key.service.ts';
import { ConnectionService } from '../modules/connections/connection.service.ts';
import { LeadService } from '../modules/leads/lead.service.ts';
import { MailingListService } from '../modules/mailing-lists/mailing-list.service.ts';
import { RetentionService } from '../modules/retention/retention.service.ts';
import { RunService } from '../modules/runs/run.service.ts';
import { SyncService } from '../modules/syncs/sync.service.ts';
import { TimelineService } from '../modules/timeline/timeline.service.ts';
import { UploadService } from '../modules/uploads/upload.service.ts';
import { WebhookService } from '../modules/webhooks/webhook.service.ts';
import type { ApiDeps } from './deps.ts';

export interface Services {
  apiKeys: ApiKeyService;
  connections: ConnectionService;
  mailingLists: MailingListService;
  leads: LeadService;
  syncs: SyncService;
  retention: RetentionService;
  runs: RunService;
  timeline: TimelineService;
  webhooks: WebhookService;
  uploads: UploadService;
}

/** Per-request batching: a list of syncs costs one query per related table, not one per sync. */
export interface Loaders {
  connection: DataLoader<string, Connection | undefined>;
  mailingList: DataLoader<string, MailingListWithCount | undefined>;
  lastRun: DataLoader<string, SyncRun | undefined>;
}

export interface ApiContext {
  deps: ApiDeps;
  principal: ApiKeyPrincipal;
  services: Services;
  loaders: Loaders;
}

function byId<T extends { id: string }>(rows: readonly T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

export function createLoaders(deps: ApiDeps, organizationId: string): Loaders {
  const connections = new ConnectionRepository(deps.db, organizationId);
  const lists = new MailingListRepository(deps.db, organizationId);
  const runs = new SyncRunRepository(deps.db, organizationId);
  return {
    connection: new DataLoader(async (ids) => {
      const found = byId(await connections.getMany(ids));
      return ids.map((id) => found.get(id));
    }),
    mailingList: new DataLoader(async (ids) => {
      const found = byId(await lists.getMany(ids));
      return ids.map((id) => found.get(id));
    }),
    lastRun: new DataLoader(async (syncIds) => {
      const found = await runs.latestBySyncIds(syncIds);
      return syncIds.map((id) => found.get(id));
    }),
  };
}

export function createContext(
  deps: ApiDeps,
  principal: ApiKeyPrincipal,
  hooks: { onRevoke?: (apiKeyId: string) => void } = {},
): ApiContext {
  const organizationId = principal.organizationId;
  return {
    deps,
    principal,
    services: {
      apiKeys: new ApiKeyService(deps, principal, hooks.onRevoke),
      connections: new ConnectionService(deps, organizationId),
      mailingLists: new MailingListService(deps, organizationId),
      leads: new LeadService(deps, principal),
      syncs: new SyncService(deps, organizationId),
      retention: new RetentionService(deps, principal),
      runs: new RunService(deps, organizationId),
      timeline: new TimelineService(deps, organizationId),
      webhooks: new WebhookService(deps, organizationId),
      uploads: new UploadService(deps, organizationId),
    },
    loaders: createLoaders(deps, organizationId),
  };
}
