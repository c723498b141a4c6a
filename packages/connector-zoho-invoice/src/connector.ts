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
import { z } from 'zod';
import { ZohoClient, type ZohoClientOptions, ZohoNotFoundError } from './client.ts';
import { IdSet } from './id-set.ts';
import {
  type ContactPersonRow,
  contactDetailSchema,
  contactPersonRowSchema,
  contactPersonsEnvelopeSchema,
  contactRowSchema,
  customFieldDefinitionsSchema,
  customFieldKey,
  customFieldType,
  DETAIL_FIELD_KEYS,
  type ListRow,
  listEnvelopeSchema,
  organizationsEnvelopeSchema,
  readListRow,
  STANDARD_FIELDS,
  usersEnvelopeSchema,
} from './records.ts';
import {
  parseOrThrow,
  resolveEndpoints,
  type ZohoInvoiceCredentials,
  type ZohoInvoiceSettings,
  zohoInvoiceCredentialsSchema,
  zohoInvoiceSettingsSchema,
} from './settings.ts';
import { formatZohoTime, zohoTimeToMillis } from './zoho-time.ts';

const PAGE_SIZE = 200;

/**
 * Where a read resumes. Pages are read in `last_modified_time` order with a moving lower bound (keyset paging):
 * `lastModifiedTime` is the bound sent as Zoho's `last_modified_time` filter, `page` the page under that bound,
 * `seen` the ids at exactly that time already delivered. `filterIgnored`: the API ignored the filter, so the
 * read fell back to plain page numbers over the whole list, filtering on our side. `until`: the read's upper
 * bound (ISO), the time it started: a contact changed after it is left to the next run.
 */
export const zohoInvoiceCheckpointSchema = z.object({
  lastModifiedTime: z.string().optional(),
  until: z.string().optional(),
  page: z.number().int().min(1),
  seen: z.array(z.string()).default([]),
  filterIgnored: z.boolean().default(false),
});
export type ZohoInvoiceCheckpoint = z.infer<typeof zohoInvoiceCheckpointSchema>;

type Ctx = ConnectorContext<ZohoInvoiceCredentials, ZohoInvoiceSettings>;

interface Session {
  client: ZohoClient;
  settings: ZohoInvoiceSettings;
}

function open(ctx: Ctx, options: ZohoClientOptions): Session {
  const credentials = parseOrThrow(zohoInvoiceCredentialsSchema, ctx.credentials, 'credentials');
  const settings = parseOrThrow(zohoInvoiceSettingsSchema, ctx.settings, 'settings');
  const endpoints = resolveEndpoints(settings, ctx.allowedHosts);
  return { client: new ZohoClient(endpoints, credentials, options, ctx.logger, ctx.signal), settings };
}

function rawId(raw: unknown): string | undefined {
  if (raw && typeof raw === 'object' && 'contact_id' in raw) {
    const id = (raw as { contact_id: unknown }).contact_id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

function envelope<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new BadSourceDataError(
      `Zoho Invoice answered ${what} with an unexpected shape: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      body,
      'Zoho Invoice sent an answer in a shape we do not understand.',
    );
  }
  return parsed.data;
}

/** A contacts page, checked by hand when it is well formed (zod copied every row); zod says what is wrong otherwise. */
function listEnvelope(body: Record<string, unknown>): z.infer<typeof listEnvelopeSchema> {
  const { code, contacts, page_context: context } = body;
  if (
    code === 0 &&
    Array.isArray(contacts) &&
    typeof context === 'object' &&
    context !== null &&
    typeof (context as { has_more_page?: unknown }).has_more_page === 'boolean'
  )
    return body as z.infer<typeof listEnvelopeSchema>;
  return envelope(listEnvelopeSchema, body, 'GET /contacts');
}

interface ScanPage {
  rows: ListRow[];
  rejected: { sourceId?: string; reason: string }[];
  checkpoint: ZohoInvoiceCheckpoint;
}

interface ScanOptions {
  since?: Date | undefined;
  start?: ZohoInvoiceCheckpoint | undefined;
  /** Leave out contacts modified after this instant (and stop there); unset: list to the end. */
  until?: Date | undefined;
  pageSize?: number;
}

/**
 * Every contact modified at or after `since` (and up to `until`), each id once, in pages of at most 200. Keyset
 * paging on `last_modified_time` keeps a contact modified or deleted during the read from shifting others past a
 * page boundary (plain page numbers would skip one). Rows older than `since` are dropped on our side as well, in
 * case the API ignores the filter. Without `until`, a contact modified during the scan shows up again at the end
 * of the list: it is delivered once.
 */
async function* scanContacts(
  client: ZohoClient,
  organizationId: string,
  options: ScanOptions = {},
): AsyncGenerator<ScanPage> {
  const { since, start, pageSize = PAGE_SIZE } = options;
  const sinceMs = since ? Math.floor(since.getTime() / 1000) * 1000 : undefined;
  let state: ZohoInvoiceCheckpoint = start ?? {
    lastModifiedTime: sinceMs === undefined ? undefined : formatZohoTime(sinceMs),
    ...(options.until ? { until: options.until.toISOString() } : {}),
    page: 1,
    seen: [],
    filterIgnored: false,
  };
  const untilMs = state.until ? Date.parse(state.until) : undefined;
  /** Ids delivered by this scan, so none comes twice (a contact changed during the scan moves to the end). */
  const delivered = new IdSet();
  for (;;) {
    const query: Record<string, string | number> = {
      page: state.page,
      per_page: pageSize,
      sort_column: 'last_modified_time',
      sort_order: 'A',
    };
    if (state.lastModifiedTime && !state.filterIgnored) query.last_modified_time = state.lastModifiedTime;
    const body = listEnvelope(await client.get('/contacts', organizationId, query));
    const cursorMs = state.lastModifiedTime ? zohoTimeToMillis(state.lastModifiedTime) : undefined;
    const seen = new Set(state.seen);
    const rows: ListRow[] = [];
    const rejected: ScanPage['rejected'] = [];
    let filterIgnoredNow = false;
    let reachedUntil = false;
    let newest: { ms: number; raw: string; ids: string[] } | undefined;
    const atCursor: string[] = [];

    for (const raw of body.contacts) {
      const read = readListRow(raw);
      if (!read.ok) {
        rejected.push({ sourceId: rawId(raw), reason: read.reason });
        continue;
      }
      const row = read.row;
      const ms = row.modifiedMs;
      if (cursorMs !== undefined && ms < cursorMs && !state.filterIgnored) filterIgnoredNow = true;
      if (!newest || ms > newest.ms) newest = { ms, raw: row.modifiedTime, ids: [row.id] };
      else if (ms === newest.ms) newest.ids.push(row.id);
      if (ms === cursorMs) atCursor.push(row.id);
      if (untilMs !== undefined && ms > untilMs) {
        reachedUntil = true;
        continue;
      }
      if (sinceMs !== undefined && ms < sinceMs) continue;
      if (cursorMs !== undefined && (ms < cursorMs || (ms === cursorMs && seen.has(row.id)))) continue;
      if (!delivered.add(row.id)) continue;
      rows.push(row);
    }

    let next: ZohoInvoiceCheckpoint;
    if (filterIgnoredNow || state.filterIgnored)
      next = { ...state, filterIgnored: true, page: state.page + 1 };
    else if (newest && (cursorMs === undefined || newest.ms > cursorMs))
      next = { ...state, lastModifiedTime: newest.raw, page: 1, seen: newest.ids, filterIgnored: false };
    else next = { ...state, page: state.page + 1, seen: [...new Set([...state.seen, ...atCursor])] };

    yield { rows, rejected, checkpoint: next };
    // Sorted oldest first: once a row is past `until`, every later one is too.
    if (!body.page_context.has_more_page || reachedUntil) return;
    state = next;
  }
}

/** Further contact persons with an email, by contact id, from the organization-wide contact persons list. */
async function loadContactPersons(client: ZohoClient, organizationId: string) {
  const byContact = new Map<string, ContactPersonRow[]>();
  let pages = 0;
  for (let page = 1; ; page++) {
    const body = envelope(
      contactPersonsEnvelopeSchema,
      await client.get('/contacts/contactpersons', organizationId, { page, per_page: PAGE_SIZE }),
      'GET /contacts/contactpersons',
    );
    pages++;
    for (const raw of body.contact_persons) {
      const parsed = contactPersonRowSchema.safeParse(raw);
      if (!parsed.success || parsed.data.is_primary_contact || !parsed.data.email.trim()) continue;
      const list = byContact.get(parsed.data.contact_id) ?? [];
      list.push(parsed.data);
      byContact.set(parsed.data.contact_id, list);
    }
    if (!body.page_context.has_more_page) return { byContact, pages };
  }
}

function personRecord(contact: SourceRecord, person: ContactPersonRow): SourceRecord {
  return {
    sourceId: `${contact.sourceId}:${person.contact_person_id}`,
    modifiedAt: contact.modifiedAt,
    fields: {
      ...contact.fields,
      email: person.email,
      first_name: person.first_name,
      last_name: person.last_name,
      phone: person.phone,
      mobile: person.mobile,
    },
  };
}

async function defaultOrganizationId(client: ZohoClient): Promise<string> {
  const body = envelope(
    organizationsEnvelopeSchema,
    await client.get('/organizations', undefined),
    'GET /organizations',
  );
  const org = body.organizations.find((o) => o.is_default_org) ?? body.organizations[0];
  if (!org)
    throw new InvalidConfigurationError('This Zoho Invoice account has no organization', 'organizationId');
  return org.organization_id;
}

export type ZohoInvoiceConnectorOptions = ZohoClientOptions;

/** A Zoho Invoice connector; options tune the HTTP client (budget, retries, timeouts). */
export function createZohoInvoiceConnector(
  options: ZohoInvoiceConnectorOptions = {},
): SourceConnector<ZohoInvoiceCredentials, ZohoInvoiceSettings> {
  return defineConnector<ZohoInvoiceCredentials, ZohoInvoiceSettings>({
    id: 'zoho-invoice',
    displayName: 'Zoho Invoice',
    credentialsSchema: zohoInvoiceCredentialsSchema,
    settingsSchema: zohoInvoiceSettingsSchema,
    capabilities: { maxLookbackDays: 30, detectsDeletes: true },
    setupHelp: [
      '1. Sign in to the Zoho API console of your data center (api-console.zoho.com; .eu, .in, .com.au, .jp, .ca, .com.cn or .sa for the others) and add a Self Client: it gives the client ID and client secret.',
      '2. In the Self Client, choose "Generate Code" with the scopes ZohoInvoice.contacts.READ,ZohoInvoice.settings.READ and the longest time offered.',
      "3. Within that time, exchange the code for a refresh token: POST https://accounts.zoho.com/oauth/v2/token (your data center's accounts host) with grant_type=authorization_code, client_id, client_secret and code. The answer's refresh_token is the account key.",
      '4. Enter the client ID, client secret and refresh token here, and choose the data center where your Zoho account lives (the address you sign in at).',
    ].join('\n'),

    maskedKey(credentials) {
      const key = credentials.refreshToken ?? '';
      return key.length > 8 ? `••••${key.slice(-4)}` : '••••';
    },

    async check(ctx) {
      const { client } = open(ctx, options);
      const orgs = envelope(
        organizationsEnvelopeSchema,
        await client.get('/organizations', undefined),
        'GET /organizations',
      );
      const org = orgs.organizations.find((o) => o.is_default_org) ?? orgs.organizations[0];
      if (!org) return {};
      const users = envelope(
        usersEnvelopeSchema,
        await client.get('/users', org.organization_id),
        'GET /users',
      );
      const me = users.users.find((u) => u.is_current_user);
      return { primaryEmail: me?.email || undefined, accountName: org.name || undefined };
    },

    async primaryEmail(ctx, organizationId) {
      const { client } = open(ctx, options);
      const users = envelope(usersEnvelopeSchema, await client.get('/users', organizationId), 'GET /users');
      return users.users.find((u) => u.is_current_user)?.email || undefined;
    },

    async listOrganizations(ctx) {
      const { client } = open(ctx, options);
      const body = envelope(
        organizationsEnvelopeSchema,
        await client.get('/organizations', undefined),
        'GET /organizations',
      );
      return body.organizations.map((o) => ({ id: o.organization_id, name: o.name }));
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
      })) {
        const records: SourceRecord[] = [];
        for (const row of page.rows) {
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
        yield {
          records,
          checkpoint: page.checkpoint,
          ...(page.rejected.length ? { rejected: page.rejected } : {}),
        };
      }
    },

    async *listIds(ctx, request) {
      const { client, settings } = open(ctx, options);
      for await (const page of scanContacts(client, request.organizationId)) {
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

    async estimateCost(ctx, request) {
      const { client, settings } = open(ctx, options);
      let contacts = 0;
      let listRequests = 0;
      for await (const page of scanContacts(client, request.organizationId, {
        since: request.since,
        until: new Date(),
      })) {
        listRequests++;
        contacts += page.rows.length;
      }
      const wantDetail = request.fields?.some((f) => DETAIL_FIELD_KEYS.includes(f)) ?? false;
      let personRecords = 0;
      let personRequests = 0;
      if (settings.includeContactPersons) {
        const persons = await loadContactPersons(client, request.organizationId);
        personRequests = persons.pages;
        personRecords = [...persons.byContact.values()].reduce((n, list) => n + list.length, 0);
      }
      const detailRequests = wantDetail ? contacts : 0;
      return {
        records: contacts + personRecords,
        requests: listRequests + detailRequests + personRequests,
        listRequests: listRequests + personRequests,
        detailRequests,
        note: `${listRequests} list page(s) of up to ${PAGE_SIZE}${wantDetail ? `, ${detailRequests} contact detail request(s) for the address fields` : ''}${personRequests ? `, ${personRequests} contact person page(s)` : ''}. Counted by listing the contacts once.`,
      };
    },
  });
}

export const zohoInvoiceConnector = createZohoInvoiceConnector();
