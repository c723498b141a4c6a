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

/**
 * One related row per key, loaded in batches for a request: by DataLoader when fields ask one at a time, or for a
 * whole list at once (`prefetch`), after which `get` answers without a promise. The `syncs` query prefetches what its
 * selection asks for (issue 22): 300 field resolutions of `connection`, `mailingList` and `lastRun` were 300 promises
 * through DataLoader's batch scheduling, with their microtasks and garbage, for values already in memory.
 * The same statements either way: one per related table and list.
 */
export class RelationLoader<V> {
  private readonly known = new Map<string, V | undefined>();
  private readonly loader: DataLoader<string, V | undefined>;

  constructor(private readonly batch: (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>) {
    this.loader = new DataLoader(async (keys) => {
      const found = await batch(keys);
      return keys.map((key) => found.get(key));
    });
  }

  /** The row of `key` (undefined: none), without a promise when it was prefetched. */
  get(key: string): V | undefined | Promise<V | undefined> {
    return this.known.has(key) ? this.known.get(key) : this.loader.load(key);
  }

  /** Loads the rows of the keys not known yet, in one batch. */
  async prefetch(keys: Iterable<string>): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !this.known.has(key));
    if (missing.length === 0) return;
    const found = await this.batch(missing);
    for (const key of missing) this.known.set(key, found.get(key));
  }
}

/** Per-request batching: a list of syncs costs one query per related table, not one per sync. */
export interface Loaders {
  connection: RelationLoader<Connection>;
  mailingList: RelationLoader<MailingListWithCount>;
  lastRun: RelationLoader<SyncRun>;
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
    connection: new RelationLoader(async (ids) => byId(await connections.getMany(ids))),
    mailingList: new RelationLoader(async (ids) => byId(await lists.getMany(ids))),
    lastRun: new RelationLoader((syncIds) => runs.latestBySyncIds(syncIds)),
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
