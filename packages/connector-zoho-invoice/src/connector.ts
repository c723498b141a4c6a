import {
  BadSourceDataError,
  type ConnectorContext,
  defineConnector,
  type FieldDescriptor,
  InvalidConfigurationError,
  type RecordPage,
  type SourceConnector,
  type SourceRecord,
} from '@leadsync/connector-sdk';
import { maskedRefreshToken } from '@leadsync/zoho-accounts';
import { envelope } from './answers.ts';
import { ZohoClient, type ZohoClientOptions, ZohoNotFoundError } from './client.ts';
import { estimateZohoCost } from './estimate.ts';
import { loadContactPersons, personRecord } from './persons.ts';
import {
  contactDetailSchema,
  contactRowSchema,
  customFieldDefinitionsSchema,
  customFieldKey,
  customFieldType,
  DETAIL_FIELD_KEYS,
  listEnvelopeSchema,
  organizationsEnvelopeSchema,
  STANDARD_FIELDS,
  usersEnvelopeSchema,
} from './records.ts';
import { filterBy, PAGE_SIZE, scanContacts, zohoInvoiceCheckpointSchema } from './scan.ts';
import {
  parseOrThrow,
  resolveEndpoints,
  type ZohoInvoiceCredentials,
  type ZohoInvoiceSettings,
  zohoInvoiceCredentialsSchema,
  zohoInvoiceSettingsSchema,
} from './settings.ts';
import { zohoInvoiceSpec } from './spec.ts';

/**
 * Contacts whose detail requests make one unit of a read: a page of 200 is handed over in parts of this many, each
 * with its checkpoint, so that what a run stopped by the quota (or a crash) had fetched is kept.
 */
export const DETAIL_UNIT = 25;

type Ctx = ConnectorContext<ZohoInvoiceCredentials, ZohoInvoiceSettings>;

interface Session {
  client: ZohoClient;
  settings: ZohoInvoiceSettings;
}

function open(ctx: Ctx, options: ZohoClientOptions): Session {
  const credentials = parseOrThrow(zohoInvoiceCredentialsSchema, ctx.credentials, 'credentials');
  const settings = parseOrThrow(zohoInvoiceSettingsSchema, ctx.settings, 'settings');
  const endpoints = resolveEndpoints(settings, ctx.allowedHosts);
  return {
    client: new ZohoClient(endpoints, credentials, options, ctx),
    settings,
  };
}

/** The account's organizations (`GET /organizations`). */
async function organizations(client: ZohoClient) {
  const body = envelope(
    organizationsEnvelopeSchema,
    await client.get('/organizations', undefined),
    'GET /organizations',
  );
  return body.organizations;
}

/** The account's default organization, else its first; undefined when it has none. */
async function defaultOrganization(client: ZohoClient) {
  const orgs = await organizations(client);
  return orgs.find((o) => o.is_default_org) ?? orgs[0];
}

async function defaultOrganizationId(client: ZohoClient): Promise<string> {
  const org = await defaultOrganization(client);
  if (!org)
    throw new InvalidConfigurationError('This Zoho Invoice account has no organization', 'organizationId');
  return org.organization_id;
}

/** The email of the user the key belongs to (`GET /users`, the current user), or undefined. */
async function currentUserEmail(client: ZohoClient, organizationId: string): Promise<string | undefined> {
  const users = envelope(usersEnvelopeSchema, await client.get('/users', organizationId), 'GET /users');
  return users.users.find((u) => u.is_current_user)?.email || undefined;
}

export interface ZohoInvoiceConnectorOptions extends ZohoClientOptions {
  /** Pages of one contacts read before a source that keeps saying `has_more_page` is stopped. */
  maxPages?: number;
}

/** A Zoho Invoice connector; options tune the HTTP client (budget, retries, timeouts). */
export function createZohoInvoiceConnector(
  options: ZohoInvoiceConnectorOptions = {},
): SourceConnector<ZohoInvoiceCredentials, ZohoInvoiceSettings> {
  return defineConnector<ZohoInvoiceCredentials, ZohoInvoiceSettings>({
    id: 'zoho-invoice',
    displayName: 'Zoho Invoice',
    credentialsSchema: zohoInvoiceCredentialsSchema,
    settingsSchema: zohoInvoiceSettingsSchema,
    spec: zohoInvoiceSpec,
    capabilities: {
      maxLookbackDays: 30,
      detectsDeletes: true,
      listPageSize: PAGE_SIZE,
      listingCostsRequests: true,
      activeOnlyReads: true,
    },

    maskedKey: maskedRefreshToken,

    async check(ctx) {
      const { client } = open(ctx, options);
      const org = await defaultOrganization(client);
      if (!org) return {};
      return {
        primaryEmail: await currentUserEmail(client, org.organization_id),
        accountName: org.name || undefined,
      };
    },

    async primaryEmail(ctx, organizationId) {
      const { client } = open(ctx, options);
      return currentUserEmail(client, organizationId);
    },

    async listOrganizations(ctx) {
      const { client } = open(ctx, options);
      return (await organizations(client)).map((o) => ({ id: o.organization_id, name: o.name }));
    },

    async fields(ctx, organizationId) {
      const { client } = open(ctx, options);
      const orgId = organizationId ?? (await defaultOrganizationId(client));
      const custom = new Map<string, FieldDescriptor>();
      const add = (cf: { label: string; api_name?: string | undefined; data_type?: string | undefined }) => {
        const key = customFieldKey(cf);
        if (!custom.has(key))
          custom.set(key, {
            key,
            label: cf.label,
            type: customFieldType(cf.data_type),
            availability: 'list',
            custom: true,
          });
      };
      try {
        const body = await client.get('/settings/customfields', orgId, { entity: 'contact' });
        for (const cf of envelope(customFieldDefinitionsSchema, body, 'GET /settings/customfields')
          .customfields)
          add(cf);
      } catch (error) {
        // No documented endpoint lists custom field definitions: fall back to the fields seen on the first page.
        if (
          !(
            error instanceof ZohoNotFoundError ||
            error instanceof InvalidConfigurationError ||
            error instanceof BadSourceDataError
          )
        )
          throw error;
        ctx.logger.debug(
          { reason: (error as Error).message },
          'zoho-invoice: custom field list unavailable, sampling contacts',
        );
        const page = envelope(
          listEnvelopeSchema,
          await client.get('/contacts', orgId, { page: 1, per_page: PAGE_SIZE }),
          'GET /contacts',
        );
        for (const raw of page.contacts) {
          const row = contactRowSchema.safeParse(raw);
          for (const cf of row.success ? (row.data.custom_fields ?? []) : []) add(cf);
        }
      }
      return [...STANDARD_FIELDS.map((f) => ({ ...f })), ...custom.values()];
    },

    async *read(ctx, request): AsyncGenerator<RecordPage> {
      const { client, settings } = open(ctx, options);
      const checkpoint = request.checkpoint
        ? zohoInvoiceCheckpointSchema.safeParse(request.checkpoint)
        : undefined;
      if (checkpoint && !checkpoint.success) {
        throw new InvalidConfigurationError(
          'The stored Zoho Invoice checkpoint is not readable',
          'checkpoint',
        );
      }
      const wantDetail = request.fields?.some((f) => DETAIL_FIELD_KEYS.includes(f)) ?? false;
      const persons = settings.includeContactPersons
        ? (await loadContactPersons(client, request.organizationId)).byContact
        : undefined;
      const pageSize = Math.min(PAGE_SIZE, Math.max(1, request.pageSize ?? PAGE_SIZE));

      // A snapshot as of now: a contact changed during the read comes with the next run (its time is above this
      // run's high-water mark), so no contact is delivered twice in one read.
      const until = checkpoint?.data ? undefined : new Date();
      for await (const page of scanContacts(client, request.organizationId, {
        since: request.since,
        start: checkpoint?.data,
        until,
        pageSize,
        filterBy: filterBy(request.activeOnly, settings),
        maxPages: options.maxPages,
      })) {
        let records: SourceRecord[] = [];
        let rejected = page.rejected.length ? page.rejected : undefined;
        for (const [index, row] of page.rows.entries()) {
          if (wantDetail && index > 0 && index % DETAIL_UNIT === 0) {
            // A unit of detail requests is handed over with where to resume after it, so that a run stopped by
            // the daily quota keeps them (a page of 200 details can cost more than what is left of a day).
            yield { records, checkpoint: page.after(index - 1), ...(rejected ? { rejected } : {}) };
            records = [];
            rejected = undefined;
          }
          const fields = row.fields;
          if (wantDetail) {
            try {
              const body = envelope(
                contactDetailSchema,
                await client.get(`/contacts/${encodeURIComponent(row.id)}`, request.organizationId),
                'GET /contacts/{id}',
              );
              for (const kind of ['billing_address', 'shipping_address'] as const) {
                const address = body.contact[kind];
                for (const part of ['country', 'state', 'city', 'zip'] as const)
                  fields[`${kind}.${part}`] = address?.[part] ?? '';
              }
            } catch (error) {
              if (!(error instanceof ZohoNotFoundError)) throw error;
              // Deleted between the list and the detail request: the next full listing reports it deleted.
              ctx.logger.info({ contactId: row.id }, 'zoho-invoice: contact deleted during the read');
              continue;
            }
          }
          const record: SourceRecord = { sourceId: row.id, modifiedAt: row.modifiedIso, fields };
          records.push(record);
          for (const person of persons?.get(row.id) ?? []) records.push(personRecord(record, person));
        }
        yield { records, checkpoint: page.checkpoint, ...(rejected ? { rejected } : {}) };
      }
    },

    async *listIds(ctx, request) {
      const { client, settings } = open(ctx, options);
      for await (const page of scanContacts(client, request.organizationId, {
        filterBy: filterBy(request.activeOnly, settings),
        maxPages: options.maxPages,
      })) {
        // A row we could not read still exists: it must not be taken for a deleted one.
        const ids = [
          ...page.rows.map((r) => r.id),
          ...page.rejected.flatMap((r) => (r.sourceId ? [r.sourceId] : [])),
        ];
        // Empty pages too: the engine counts them, and stops a listing whose paging never ends.
        yield ids;
      }
      if (settings.includeContactPersons) {
        const { byContact } = await loadContactPersons(client, request.organizationId);
        const ids = [...byContact.values()].flat().map((p) => `${p.contact_id}:${p.contact_person_id}`);
        if (ids.length) yield ids;
      }
    },

    async quota(ctx, request) {
      const { client } = open(ctx, options);
      await client.accessToken(); // the API host may come from the token answer (api_domain)
      return client.quota(request.organizationId);
    },

    async estimateCost(ctx, request) {
      return estimateZohoCost(open(ctx, options), request);
    },
  });
}

export const zohoInvoiceConnector = createZohoInvoiceConnector();
