import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ConnectorRegistry } from '@leadsync/connector-sdk';
import { connectorRegistry } from '@leadsync/connectors';
import { type Database, SecretBox } from '@leadsync/db';
import { ApiKeyRepository, createOrganization } from '@leadsync/db/repositories';
import type { Sync, SyncRun } from '@leadsync/db/schema';
import { createEngine, type Engine } from '@leadsync/engine';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import pino from 'pino';
import type { RateLimitOptions, SchedulerPort } from '../graphql/deps.ts';
import { createApiServer } from '../server.ts';
import { createCountingDatabase } from './counting-db.ts';

/**
 * The worker's part, in the test process: a queued run is executed by the real engine right away, and every
 * scheduling call is recorded so tests can check that the API keeps the worker's jobs in step.
 */
export class InlineScheduler implements SchedulerPort {
  readonly calls: string[] = [];
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly engine: Engine) {}

  async scheduleSync(sync: Sync) {
    this.calls.push(`schedule:${sync.id}`);
    return null;
  }

  async unscheduleSync(_organizationId: string, syncId: string) {
    this.calls.push(`unschedule:${syncId}`);
  }

  async enqueueRun(run: SyncRun, connectorId: string) {
    this.calls.push(`run:${run.id}:${connectorId}`);
    const execution = this.engine.executeRun(run.id).catch(() => undefined);
    this.pending.add(execution);
    void execution.finally(() => this.pending.delete(execution));
  }

  /** Waits until every enqueued run has finished. */
  async idle() {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: test answers are untyped JSON; the assertions that read them check them.
export type Json = any;

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string; [key: string]: unknown } }[];
}

export interface TestApi {
  url: string;
  db: Database;
  /** Statements sent to PostgreSQL so far (all connections). */
  queries(): number;
  /** The admin key of the first organization. */
  key: string;
  organizationId: string;
  scheduler: InlineScheduler;
  engine: Engine;
  /** The API's secret box (to play the worker's part in tests that send webhooks). */
  secretBox: SecretBox;
  gql<T = Json>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<GraphQLResult<T>>;
  /** The data of an answer that must have no errors (they are in the thrown error otherwise). */
  data(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<Json>;
  /** Another organization with its own admin key. */
  newOrganization(name: string, role?: 'admin' | 'member'): Promise<{ id: string; key: string }>;
  newKey(organizationId: string, role: 'admin' | 'member'): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApi(
  options: {
    rateLimit?: RateLimitOptions | false;
    production?: boolean;
    registry?: ConnectorRegistry;
    uploadMaxBytes?: number;
  } = {},
): Promise<TestApi> {
  const tdb: TestDatabase = await createTestDatabase();
  const handle = createCountingDatabase(tdb.url);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const secretBox = new SecretBox(randomBytes(32));
  const allowedHosts = ['127.0.0.1', 'localhost', '::1'];
  const registry = options.registry ?? connectorRegistry;
  const engine = createEngine({
    db: handle.db,
    secretBox,
    registry,
    allowedHosts,
    logger,
  });
  const scheduler = new InlineScheduler(engine);
  const api = await createApiServer({
    deps: { db: handle.db, secretBox, registry, engine, scheduler, logger, allowedHosts },
    production: options.production ?? false,
    rateLimit: options.rateLimit ?? false,
    uploadMaxBytes: options.uploadMaxBytes,
  });
  await new Promise<void>((resolve) => api.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = api.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const newKey = async (organizationId: string, role: 'admin' | 'member') =>
    (await new ApiKeyRepository(handle.db, organizationId).create({ name: `${role} key`, role })).plainKey;
  const newOrganization = async (name: string, role: 'admin' | 'member' = 'admin') => {
    const organization = await createOrganization(handle.db, name);
    return { id: organization.id, key: await newKey(organization.id, role) };
  };
  const first = await newOrganization('Acme');

  async function gql(query: string, variables: Record<string, unknown> = {}, key: string | null = first.key) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResult, 'status'>;
    return { status: response.status, ...body } as GraphQLResult<Json>;
  }

  return {
    url,
    db: handle.db,
    queries: () => handle.counter.queries,
    key: first.key,
    organizationId: first.id,
    scheduler,
    engine,
    secretBox,
    newOrganization,
    newKey,
    gql,
    data: async (query, variables, key) => ok(await gql(query, variables, key)),
    async close() {
      await scheduler.idle();
      await api.stop();
      await handle.close();
      await tdb.drop();
    },
  };
}

/** The data of a result that must have no errors (the errors are in the failure message otherwise). */
export function ok<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors ?? result)}`);
  }
  return result.data;
}

/** The `extensions.code` of the first error. */
export function codeOf(result: GraphQLResult): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}
