import {
  BadSourceDataError,
  type ConnectorContext,
  type CostEstimate,
  defineConnector,
  type EstimateRequest,
  type FieldDescriptor,
  InvalidConfigurationError,
  type RecordPage,
  type SourceConnector,
  type SourceRecord,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import { z } from 'zod';
import { ZohoClient, type ZohoClientOptions, ZohoNotFoundError, ZohoRequestRefusedError } from './client.ts';
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
 * Contacts whose detail requests make one unit of a read: a page of 200 is handed over in parts of this many, each
 * with its checkpoint, so that what a run stopped by the quota (or a crash) had fetched is kept.
 */
export const DETAIL_UNIT = 25;

/**
 * Where a read resumes. Normally pages are read in `last_modified_time` order with a moving lower bound (keyset
 * paging): `lastModifiedTime` is the bound sent as Zoho's `last_modified_time` filter (its own text, in the
 * organization's zone), `page` the page under that bound, `seen` the ids at exactly that time already delivered.
 * `topDown`: the API ignored or refused that filter (Zoho does not document it), so the read pages newest first from
 * the top and stops at `since`; there `lastModifiedTime`/`seen` are the oldest time delivered so far and its ids, so
 * a row pushed onto the next page by a change is not delivered twice. `until`: the read's upper bound (ISO), the time
 * it started: a contact changed after it is left to the next run. `pages`: requests made, against the page cap.
 */
export const zohoInvoiceCheckpointSchema = z.object({
  lastModifiedTime: z.string().optional(),
  until: z.string().optional(),
  page: z.number().int().min(1),
  seen: z.array(z.string()).default([]),
  /** Older checkpoints' name for `topDown`. */
  filterIgnored: z.boolean().default(false),
  topDown: z.boolean().default(false),
  pages: z.number().int().min(0).default(0),
  /**
   * `topDown` after an oldest-first stretch of the same read: what that stretch delivered (everything older than
   * `time`, and `seen` at it), where the top-down read stops instead of at `since`.
   */
  floor: z.object({ time: z.string(), seen: z.array(z.string()) }).optional(),
});
export type ZohoInvoiceCheckpoint = z.infer<typeof zohoInvoiceCheckpointSchema>;

/** The read stopped at its page cap while Zoho still said `has_more_page`. */
export class PageCapReachedError extends SourceUnavailableError {}

/** A source that never stops saying `has_more_page` is stopped after this many pages of one read (2M contacts). */
export const DEFAULT_MAX_PAGES = 10_000;

/**
 * Zoho accounts (`apiUrl|organization`) known to refuse the `last_modified_time` filter, so that later reads go top
 * down at once. Bounded (oldest out first): forgetting one costs one refused request.
 */
const refusesModifiedFilter = new Set<string>();
function rememberRefusal(account: string): void {
  refusesModifiedFilter.delete(account);
  refusesModifiedFilter.add(account);
  if (refusesModifiedFilter.size > 1000)
    refusesModifiedFilter.delete(refusesModifiedFilter.values().next().value as string);
}

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
    client: new ZohoClient(
      endpoints,
      credentials,
      options,
      ctx.logger,
      ctx.signal,
      ctx.http,
      ctx.allowedHosts,
    ),
    settings,
  };
}

/**
 * `filter_by` of a contacts list: `Status.All` (an inactive contact is not a deleted one) unless the sync asks for
 * active contacts only. A connection made before that was a sync's choice may still say `activeContactsOnly`: it
 * counts when the request does not say (migration 0019 copied it onto the connection's syncs).
 */
function filterBy(activeOnly: boolean | undefined, settings: ZohoInvoiceSettings): string {
  return (activeOnly ?? settings.activeContactsOnly) ? 'Status.Active' : 'Status.All';
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
  /** Where the read resumes after the whole page. */
  checkpoint: ZohoInvoiceCheckpoint;
  /** Where the read resumes after `rows[0..index]` only (the rest of this page is read again from there). */
  after(index: number): ZohoInvoiceCheckpoint;
}

/**
 * The checkpoint after the first rows of a page: the bound moves to the last row delivered (oldest first: the
 * newest so far; newest first: the oldest so far) and `seen` holds the ids delivered at that very time, so the
 * rest of the page, ties included, comes when the same request is made again from there.
 */
function checkpointAfter(
  state: ZohoInvoiceCheckpoint,
  cursorMs: number | undefined,
  rows: readonly ListRow[],
  index: number,
  pages: number,
): ZohoInvoiceCheckpoint {
  const last = rows[index] as ListRow;
  const ids = rows
    .slice(0, index + 1)
    .filter((r) => r.modifiedMs === last.modifiedMs)
    .map((r) => r.id);
  const seen = last.modifiedMs === cursorMs ? [...new Set([...state.seen, ...ids])] : ids;
  return {
    ...state,
    lastModifiedTime: last.modifiedTime,
    seen,
    // Oldest first, the bound is sent as the filter and paging starts again at 1; newest first, the same page is
    // asked for again and the bound skips what was delivered.
    page: state.topDown ? state.page : 1,
    pages,
  };
}

interface ScanOptions {
  since?: Date | undefined;
  start?: ZohoInvoiceCheckpoint | undefined;
  /** Leave out contacts modified after this instant (and stop there); unset: list to the end. */
  until?: Date | undefined;
  pageSize?: number;
  /** `Status.All` (default: inactive contacts are contacts too) or `Status.Active`. */
  filterBy?: string;
  maxPages?: number;
}

/**
 * Every contact modified at or after `since` (and up to `until`), each id once, in pages of at most 200. Keyset
 * paging on `last_modified_time` keeps a contact modified or deleted during the read from shifting others past a
 * page boundary (plain page numbers would skip one). When the API ignores the filter (rows older than the bound
 * come back) or refuses it (a 4xx), the read pages from the newest down instead and stops at `since`: a change
 * during the read moves a contact to the top, above `until`, so nothing is skipped for it (a deletion during a
 * top-down read can still shift one row past a page boundary: README). A source that keeps saying
 * `has_more_page` is stopped after `maxPages`.
 */
async function* scanContacts(
  client: ZohoClient,
  organizationId: string,
  options: ScanOptions = {},
): AsyncGenerator<ScanPage> {
  const { since, start, pageSize = PAGE_SIZE } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const sinceMs = since ? Math.floor(since.getTime() / 1000) * 1000 : undefined;
  const account = client.account(organizationId);
  let state: ZohoInvoiceCheckpoint = start
    ? { ...start, topDown: start.topDown || start.filterIgnored }
    : {
        lastModifiedTime: sinceMs === undefined ? undefined : formatZohoTime(sinceMs),
        ...(options.until ? { until: options.until.toISOString() } : {}),
        page: 1,
        seen: [],
        filterIgnored: false,
        topDown: sinceMs !== undefined && refusesModifiedFilter.has(account),
        pages: 0,
      };
  if (state.topDown && !start) state = { ...state, lastModifiedTime: undefined };
  const untilMs = state.until ? Date.parse(state.until) : undefined;
  /** The filter failed: top down from page 1, stopping at what the oldest-first stretch delivered (its bound). */
  const topDownFrom = (from: ZohoInvoiceCheckpoint, pages: number): ZohoInvoiceCheckpoint => ({
    ...from,
    topDown: true,
    lastModifiedTime: undefined,
    page: 1,
    seen: [],
    pages,
    floor: from.lastModifiedTime ? { time: from.lastModifiedTime, seen: from.seen } : undefined,
  });
  /** Ids delivered by this scan, so none comes twice (a contact changed during the scan moves to the end). */
  const delivered = new IdSet();
  for (;;) {
    if (state.pages >= maxPages) {
      throw new PageCapReachedError(
        `Zoho Invoice still said has_more_page after ${state.pages} pages of contacts; the read was stopped`,
        `Zoho Invoice kept announcing more contacts after ${state.pages} pages; the read was stopped so that it does not run for ever. Nothing is lost: the next run reads again from the last successful one.`,
      );
    }
    const query: Record<string, string | number> = {
      page: state.page,
      per_page: pageSize,
      sort_column: 'last_modified_time',
      sort_order: state.topDown ? 'D' : 'A',
      filter_by: options.filterBy ?? 'Status.All',
    };
    const filtered = !state.topDown && state.lastModifiedTime !== undefined;
    if (filtered) query.last_modified_time = state.lastModifiedTime as string;
    let answer: Record<string, unknown>;
    try {
      answer = await client.get('/contacts', organizationId, query);
    } catch (error) {
      if (!(filtered && error instanceof ZohoRequestRefusedError && error.status < 500)) throw error;
      // Zoho does not document last_modified_time as a list filter: refused, the read goes top down from now on.
      rememberRefusal(account);
      state = topDownFrom(state, state.pages);
      continue;
    }
    const body = listEnvelope(answer);
    const cursorMs = state.lastModifiedTime ? zohoTimeToMillis(state.lastModifiedTime) : undefined;
    const seen = new Set(state.seen);
    const floorMs = state.floor ? zohoTimeToMillis(state.floor.time) : undefined;
    const floorSeen = new Set(state.floor?.seen);
    const stopMs = floorMs !== undefined && (sinceMs === undefined || floorMs > sinceMs) ? floorMs : sinceMs;
    const rows: ListRow[] = [];
    const rejected: ScanPage['rejected'] = [];
    let filterIgnoredNow = false;
    let reachedEnd = false;
    let newest: { ms: number; raw: string; ids: string[] } | undefined;
    let oldest: { ms: number; raw: string; ids: string[] } | undefined;
    const atCursor: string[] = [];

    if (!state.topDown && cursorMs !== undefined) {
      // Sorted oldest first: the first readable row is the oldest, so it alone tells whether the filter held.
      for (const raw of body.contacts) {
        const read = readListRow(raw);
        if (!read.ok) continue;
        filterIgnoredNow = read.row.modifiedMs < cursorMs;
        break;
      }
    }
    for (const raw of filterIgnoredNow ? [] : body.contacts) {
      const read = readListRow(raw);
      if (!read.ok) {
        rejected.push({ sourceId: rawId(raw), reason: read.reason });
        continue;
      }
      const row = read.row;
      const ms = row.modifiedMs;
      if (state.topDown) {
        if (stopMs !== undefined && ms < stopMs) {
          reachedEnd = true; // newest first: every later row is older still
          break;
        }
        if (untilMs !== undefined && ms > untilMs) continue;
        if (ms === floorMs && floorSeen.has(row.id)) continue;
        if (cursorMs !== undefined && (ms > cursorMs || (ms === cursorMs && seen.has(row.id)))) continue;
        if (!oldest || ms < oldest.ms) oldest = { ms, raw: row.modifiedTime, ids: [row.id] };
        else if (ms === oldest.ms) oldest.ids.push(row.id);
        if (!delivered.add(row.id)) continue;
        rows.push(row);
        continue;
      }
      if (!newest || ms > newest.ms) newest = { ms, raw: row.modifiedTime, ids: [row.id] };
      else if (ms === newest.ms) newest.ids.push(row.id);
      if (ms === cursorMs) atCursor.push(row.id);
      if (untilMs !== undefined && ms > untilMs) {
        reachedEnd = true;
        continue;
      }
      if (sinceMs !== undefined && ms < sinceMs) continue;
      if (cursorMs !== undefined && (ms < cursorMs || (ms === cursorMs && seen.has(row.id)))) continue;
      if (!delivered.add(row.id)) continue;
      rows.push(row);
    }

    const pages = state.pages + 1;
    if (filterIgnoredNow) {
      // The filter was ignored (rows older than the bound came back): this page is dropped, the read goes top down.
      state = topDownFrom(state, pages);
      continue;
    }
    let next: ZohoInvoiceCheckpoint;
    if (state.topDown) {
      const cursor =
        oldest && (cursorMs === undefined || oldest.ms < cursorMs)
          ? { lastModifiedTime: oldest.raw, seen: oldest.ids }
          : oldest
            ? { seen: [...new Set([...state.seen, ...oldest.ids])] }
            : {};
      next = { ...state, ...cursor, page: state.page + 1, pages };
    } else if (newest && (cursorMs === undefined || newest.ms > cursorMs))
      next = { ...state, lastModifiedTime: newest.raw, page: 1, seen: newest.ids, pages };
    else next = { ...state, page: state.page + 1, seen: [...new Set([...state.seen, ...atCursor])], pages };

    const from = state;
    yield { rows, rejected, checkpoint: next, after: (i) => checkpointAfter(from, cursorMs, rows, i, pages) };
    // Sorted oldest first: once a row is past `until`, every later one is too (newest first: older than `since`).
    if (!body.page_context.has_more_page || reachedEnd) return;
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
    setupHelp: [
      '1. Sign in to the Zoho API console of your data center (api-console.zoho.com; .eu, .in, .com.au, .jp, .ca, .com.cn, .sa or .uk for the others) and add a Self Client: it gives the client ID and client secret.',
      '2. In the Self Client, choose "Generate Code" with the scopes ZohoInvoice.contacts.READ,ZohoInvoice.settings.READ and the longest time offered.',
      "3. Within that time, exchange the code for a refresh token: POST https://accounts.zoho.com/oauth/v2/token (your data center's accounts host) with grant_type=authorization_code, client_id, client_secret and code. The answer's refresh_token is the account key.",
      '4. Enter the client ID, client secret and refresh token here, and choose the data center where your Zoho account lives (the address you sign in at).',
    ].join('\n'),
    capabilities: {
      maxLookbackDays: 30,
      detectsDeletes: true,
      listPageSize: PAGE_SIZE,
      listingCostsRequests: true,
      activeOnlyReads: true,
    },

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

/** Pages an estimate may read when nothing was learned yet: a handful of requests, never a full listing. */
export const ESTIMATE_PROBE_PAGES = 3;

/**
 * What the next run costs, in list pages, detail requests and the deletion listing, at the cost of a handful of
 * requests at most: from what the last run learned when there is one (no request at all), otherwise from up to
 * ESTIMATE_PROBE_PAGES pages of the read itself (exact when the read is that short, "unknown" beyond).
 */
async function estimateZohoCost(session: Session, request: EstimateRequest): Promise<CostEstimate> {
  const { client, settings } = session;
  const wantDetail = request.fields?.some((f) => DETAIL_FIELD_KEYS.includes(f)) ?? false;
  let contacts: number;
  let accuracy: 'about' | 'unknown' = 'about';
  let source: string;
  if (request.lastRun) {
    contacts = request.lastRun.records;
    source = `as many as the last run read (${request.lastRun.full ? 'a full read' : 'changes only'})`;
  } else {
    contacts = 0;
    let more = false;
    try {
      for await (const page of scanContacts(client, request.organizationId, {
        since: request.since,
        until: new Date(),
        filterBy: filterBy(request.activeOnly, settings),
        maxPages: ESTIMATE_PROBE_PAGES,
      })) {
        contacts += page.rows.length;
      }
    } catch (error) {
      if (!(error instanceof PageCapReachedError)) throw error;
      more = true;
    }
    if (more) accuracy = 'unknown';
    source = more
      ? `at least ${contacts}: more than ${ESTIMATE_PROBE_PAGES} pages, the exact number is known after the first run`
      : 'counted from the first pages of the read';
  }
  const listRequests = Math.max(1, Math.ceil(contacts / PAGE_SIZE));
  const detailRequests = wantDetail ? contacts : 0;
  const deletionRequests = request.deletionListing
    ? Math.max(1, Math.ceil((request.trackedRecords ?? contacts) / PAGE_SIZE))
    : 0;
  const personRequests = settings.includeContactPersons
    ? Math.max(1, Math.ceil((request.trackedRecords ?? contacts) / PAGE_SIZE))
    : 0;
  const quota = await client.quota(request.organizationId);
  const requests = listRequests + detailRequests + deletionRequests + personRequests;
  const about = accuracy === 'unknown' ? 'at least' : 'about';
  const parts = [
    `${about} ${listRequests} list page(s) of up to ${PAGE_SIZE}`,
    wantDetail ? `${about} ${detailRequests} contact detail request(s) for the address fields` : '',
    deletionRequests ? `about ${deletionRequests} page(s) for the full listing that looks for deletions` : '',
    personRequests ? `about ${personRequests} contact person page(s)` : '',
  ].filter(Boolean);
  const quotaNote = quota
    ? ` The Zoho account has ${quota.remaining} of its ${quota.limit} daily calls left (10% are kept in reserve).`
    : ' The daily quota of the Zoho account is not known yet.';
  return {
    records: contacts,
    requests,
    listRequests,
    detailRequests,
    deletionRequests,
    accuracy,
    ...(quota
      ? {
          dailyQuota: {
            limit: quota.limit,
            remaining: quota.remaining,
            resetAt: quota.resetAt.toISOString(),
          },
        }
      : {}),
    note: `Records: ${source}. Requests: ${parts.join(', ')}.${quotaNote}`,
  };
}

export const zohoInvoiceConnector = createZohoInvoiceConnector();
