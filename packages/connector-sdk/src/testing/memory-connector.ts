import { z } from 'zod';
import {
  type ConnectorContext,
  defineConnector,
  type FieldDescriptor,
  type Logger,
  type SourceConnector,
  type SourceOrganization,
  type SourceRecord,
} from '../connector.ts';
import { InvalidConfigurationError, InvalidCredentialsError } from '../errors.ts';

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A connector context for tests: silent logger, the default allowed hosts. */
export function testContext<Creds, Settings>(
  credentials: Creds,
  settings: Settings,
  extra: Partial<ConnectorContext<Creds, Settings>> = {},
): ConnectorContext<Creds, Settings> {
  return {
    credentials,
    settings,
    logger: silentLogger,
    allowedHosts: ['127.0.0.1', 'localhost', '::1'],
    ...extra,
  };
}

export interface MemoryConnectorOptions {
  id?: string;
  organizations?: SourceOrganization[];
  /** Records by organization id; an organization without an entry has none. */
  records: Record<string, SourceRecord[]>;
  fields?: FieldDescriptor[];
  /** The only key `check` and `read` accept. Default `good-key`. */
  validKey?: string;
  defaultPageSize?: number;
  /** Records deleted at the source, by organization id: given, the connector has a deletions feed. */
  deleted?: Record<string, { sourceId: string; deletedAt: Date }[]>;
}

export const memoryCredentialsSchema = z.object({ key: z.string() });
export type MemoryCredentials = z.infer<typeof memoryCredentialsSchema>;
const memoryCheckpointSchema = z.object({ offset: z.number().int().nonnegative() });

/**
 * A small, correct in-memory connector: a reference for the contract suite's own tests and a stand-in source
 * for engine tests. Credentials `{ key }`, settings `{}`, checkpoint `{ offset }`.
 */
export function createMemoryConnector(
  options: MemoryConnectorOptions,
): SourceConnector<MemoryCredentials, Record<string, never>> {
  const organizations = options.organizations ?? [{ id: 'org-1', name: 'Memory organization' }];
  const validKey = options.validKey ?? 'good-key';
  const authorize = (ctx: ConnectorContext<MemoryCredentials, unknown>) => {
    if (ctx.credentials.key !== validKey) {
      throw new InvalidCredentialsError('The memory source refused the key', 'The account key was refused.');
    }
  };
  const recordsOf = (organizationId: string): SourceRecord[] => {
    if (!organizations.some((org) => org.id === organizationId)) {
      throw new InvalidConfigurationError(`Unknown organization "${organizationId}"`, 'organizationId');
    }
    return options.records[organizationId] ?? [];
  };
  const fields: FieldDescriptor[] = options.fields ?? [
    { key: 'email', label: 'Email', type: 'email', availability: 'list', custom: false },
    { key: 'firstName', label: 'First name', type: 'string', availability: 'list', custom: false },
  ];
  return defineConnector({
    id: options.id ?? 'memory',
    displayName: 'In-memory source',
    credentialsSchema: memoryCredentialsSchema,
    settingsSchema: z.object({}).strict() as z.ZodType<Record<string, never>>,
    capabilities: { detectsDeletes: true, deletionFeed: options.deleted !== undefined },
    async fields(ctx) {
      authorize(ctx);
      return fields;
    },
    async check(ctx) {
      authorize(ctx);
      return { accountName: 'Memory account' };
    },
    async listOrganizations(ctx) {
      authorize(ctx);
      return organizations;
    },
    async *read(ctx, request) {
      authorize(ctx);
      const records = recordsOf(request.organizationId);
      const pageSize = request.pageSize ?? options.defaultPageSize ?? 100;
      const parsed = memoryCheckpointSchema.safeParse(request.checkpoint ?? { offset: 0 });
      if (!parsed.success)
        throw new InvalidConfigurationError('The checkpoint is not { offset }', 'checkpoint');
      for (let offset = parsed.data.offset; offset < records.length; offset += pageSize) {
        const end = Math.min(offset + pageSize, records.length);
        yield { records: records.slice(offset, end), checkpoint: { offset: end } };
      }
    },
    async *listIds(ctx, request) {
      authorize(ctx);
      const records = recordsOf(request.organizationId);
      for (let i = 0; i < records.length; i += 1000) yield records.slice(i, i + 1000).map((r) => r.sourceId);
    },
    async *listDeletedIds(ctx, request) {
      authorize(ctx);
      recordsOf(request.organizationId);
      const deleted = options.deleted?.[request.organizationId] ?? [];
      yield deleted.filter((d) => d.deletedAt >= request.since).map((d) => d.sourceId);
    },
  });
}
