import {
  BadSourceDataError,
  type ConnectorContext,
  type CostEstimate,
  defineConnector,
  type FieldDescriptor,
  InvalidConfigurationError,
  type RecordPage,
  type SourceConnector,
} from '@leadsync/connector-sdk';
import { estimateQuota, maskedRefreshToken } from '@leadsync/zoho-accounts';
import { ZohoCrmClient, type ZohoCrmClientOptions } from './client.ts';
import { deletedIds } from './deleted.ts';
import { describeFields, fieldsEnvelopeSchema, requestedFields, usersEnvelopeSchema } from './records.ts';
import { PAGE_SIZE, scanRecords, zohoCrmCheckpointSchema } from './scan.ts';
import {
  CRM_MODULES,
  type CrmModule,
  moduleOf,
  parseOrThrow,
  resolveEndpoints,
  type ZohoCrmCredentials,
  type ZohoCrmSettings,
  zohoCrmCredentialsSchema,
  zohoCrmSettingsSchema,
} from './settings.ts';
import { zohoCrmSpec } from './spec.ts';

type Ctx = ConnectorContext<ZohoCrmCredentials, ZohoCrmSettings>;

function open(ctx: Ctx, options: ZohoCrmClientOptions): ZohoCrmClient {
  const credentials = parseOrThrow(zohoCrmCredentialsSchema, ctx.credentials, 'credentials');
  const settings = parseOrThrow(zohoCrmSettingsSchema, ctx.settings, 'settings');
  const endpoints = resolveEndpoints(settings, ctx.allowedHosts);
  return new ZohoCrmClient(endpoints, credentials, options, ctx);
}

function shapeError(what: string, body: unknown): BadSourceDataError {
  return new BadSourceDataError(
    `Zoho CRM answered ${what} with an unexpected shape`,
    body,
    'Zoho CRM sent an answer in a shape we do not understand.',
  );
}

async function moduleFields(client: ZohoCrmClient, module: CrmModule): Promise<FieldDescriptor[]> {
  const answer = await client.get('/settings/fields', { module });
  const parsed = fieldsEnvelopeSchema.safeParse(answer.json ?? { fields: [] });
  if (!parsed.success) throw shapeError('GET /settings/fields', answer.json);
  return describeFields(parsed.data.fields);
}

async function currentUserEmail(client: ZohoCrmClient): Promise<string | undefined> {
  const answer = await client.get('/users', { type: 'CurrentUser' });
  const parsed = usersEnvelopeSchema.safeParse(answer.json ?? { users: [] });
  if (!parsed.success) throw shapeError('GET /users', answer.json);
  return parsed.data.users[0]?.email?.trim() || undefined;
}

export interface ZohoCrmConnectorOptions extends ZohoCrmClientOptions {
  /** Pages of one read before a source that keeps saying `more_records` is stopped. */
  maxPages?: number;
}

type CrmSource = SourceConnector<ZohoCrmCredentials, ZohoCrmSettings>;

/** The connector, with its deletions feed (the deleted-records endpoint, README D1) always there. */
export type ZohoCrmConnector = CrmSource & Required<Pick<CrmSource, 'listDeletedIds'>>;

/** A Zoho CRM connector; options tune the HTTP client (budget, retries, timeouts). */
export function createZohoCrmConnector(options: ZohoCrmConnectorOptions = {}): ZohoCrmConnector {
  const connector = defineConnector<ZohoCrmCredentials, ZohoCrmSettings>({
    id: 'zoho-crm',
    displayName: 'Zoho CRM',
    credentialsSchema: zohoCrmCredentialsSchema,
    settingsSchema: zohoCrmSettingsSchema,
    spec: zohoCrmSpec,
    capabilities: {
      detectsDeletes: true,
      listPageSize: PAGE_SIZE,
      listingCostsRequests: true,
      deletionFeed: true,
    },

    maskedKey: maskedRefreshToken,

    async check(ctx) {
      const client = open(ctx, options);
      return { primaryEmail: await currentUserEmail(client) };
    },

    async primaryEmail(ctx) {
      return currentUserEmail(open(ctx, options));
    },

    async listOrganizations(ctx) {
      open(ctx, options); // refuses credentials and settings that are not valid, before anything else
      return CRM_MODULES.map((module) => ({ id: module, name: module }));
    },

    async fields(ctx, organizationId) {
      return moduleFields(open(ctx, options), moduleOf(organizationId ?? 'Leads'));
    },

    async *read(ctx, request): AsyncGenerator<RecordPage> {
      const client = open(ctx, options);
      const module = moduleOf(request.organizationId);
      const checkpoint = request.checkpoint
        ? zohoCrmCheckpointSchema.safeParse(request.checkpoint)
        : undefined;
      if (checkpoint && !checkpoint.success)
        throw new InvalidConfigurationError('The stored Zoho CRM checkpoint is not readable', 'checkpoint');
      // A sync names the fields it maps or filters on; without them (a preview, the contract suite) the module's own.
      const fields = requestedFields(
        request.fields,
        request.fields ? [] : await moduleFields(client, module),
      );
      for await (const page of scanRecords(client, {
        module,
        fields,
        since: request.since,
        // Zoho's times are whole seconds: a record changed in the second the read starts comes with the next run.
        until: checkpoint?.data ? undefined : new Date(Math.floor(Date.now() / 1000) * 1000 - 1000),
        start: checkpoint?.data,
        pageSize: request.pageSize,
        maxPages: options.maxPages,
      })) {
        yield {
          records: page.rows.map((row) => row.record),
          checkpoint: page.checkpoint,
          ...(page.rejected.length ? { rejected: page.rejected } : {}),
        };
      }
    },

    async *listIds(ctx, request) {
      const client = open(ctx, options);
      const module = moduleOf(request.organizationId);
      for await (const page of scanRecords(client, {
        module,
        fields: ['Modified_Time'],
        maxPages: options.maxPages,
      })) {
        // A row we could not read still exists: it must not be taken for a deleted one. Empty pages too: the engine
        // counts them, and stops a listing whose paging never ends.
        yield [
          ...page.rows.map((r) => r.id),
          ...page.rejected.flatMap((r) => (r.sourceId ? [r.sourceId] : [])),
        ];
      }
    },

    async quota(ctx) {
      return open(ctx, options).quota();
    },

    async estimateCost(ctx, request): Promise<CostEstimate> {
      const client = open(ctx, options);
      const module = moduleOf(request.organizationId);
      let records = request.lastRun?.records;
      let accuracy: CostEstimate['accuracy'] = 'about';
      if (records === undefined) {
        // One request (README, R6): the module's record count; a read with `since` reads at most that many.
        const answer = await client.get(`/${module}/actions/count`).catch(() => undefined);
        const count = answer?.json?.count;
        records = typeof count === 'number' && count >= 0 ? count : 0;
        if (typeof count !== 'number') accuracy = 'unknown';
      }
      const listRequests = Math.max(1, Math.ceil(records / PAGE_SIZE)) + (request.fields ? 0 : 1);
      const deletionRequests = request.deletionListing
        ? Math.max(1, Math.ceil((request.trackedRecords ?? records) / PAGE_SIZE))
        : 0;
      // After a first run, a run that does not list reads the deleted-records feed instead: one page at least.
      const feedRequests = !request.deletionListing && request.lastRun ? 1 : 0;
      const quota = await client.quota();
      return {
        records,
        requests: listRequests + deletionRequests + feedRequests,
        listRequests,
        detailRequests: 0,
        deletionRequests,
        accuracy,
        ...estimateQuota(quota),
        note: `Records: ${request.lastRun ? 'as many as the last run read' : `the ${module} module's record count (at most)`}. Each request of up to ${PAGE_SIZE} records costs one Zoho CRM API credit.${quota ? ` The organization has ${quota.remaining} of its ${quota.limit} daily credits left (10% are kept in reserve).` : ''}`,
      };
    },
  });
  return {
    ...connector,
    async *listDeletedIds(ctx, request) {
      yield* deletedIds(open(ctx, options), moduleOf(request.organizationId), request.since);
    },
  };
}

export const zohoCrmConnector = createZohoCrmConnector();
