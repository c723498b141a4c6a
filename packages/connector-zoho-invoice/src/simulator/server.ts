import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatZohoTime, zohoTimeToMillis } from '../zoho-time.ts';
import { generateContacts } from './generator.ts';
import { OrganizationLimits } from './limits.ts';
import { SeededRandom } from './random.ts';
import type {
  Address,
  AddressInput,
  ContactInput,
  ContactPerson,
  CustomFieldDefinition,
  CustomFieldValue,
  RecordedRequest,
  SimulatorContact,
  SimulatorCredentials,
  SimulatorFault,
  SimulatorOrganization,
  StartSimulatorOptions,
  ZohoInvoiceSimulator,
} from './types.ts';

const API_PREFIX = '/invoice/v3';
const TOKEN_PATH = '/oauth/v2/token';
const ORG_HEADER = 'x-com-zoho-invoice-organizationid';
/** Observed in `X-Rate-Limit-Limit` on real Zoho Invoice answers (free plan). */
const DAILY_LIMIT = 1000;
/** The scopes the product needs; a simulator started without one of them answers as Zoho does (401, code 57). */
const ALL_SCOPES = ['ZohoInvoice.contacts.READ', 'ZohoInvoice.settings.READ'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MAX_RECORDED_REQUESTS = 20_000;
const EMPTY = Buffer.alloc(0);
const ROW_SLAB_BYTES = 1 << 20;
const COMMA = Buffer.from(',');
const LIST_HEAD = Buffer.from('{"code":0,"message":"success","contacts":[');

const DEFAULT_ORGANIZATIONS: SimulatorOrganization[] = [
  { organization_id: '60012345678', name: 'Northwind Trading Co.', time_zone: 'America/New_York' },
  { organization_id: '60012345679', name: 'Bluebird Studios', time_zone: 'Asia/Kolkata' },
];

const LIST_SORT_COLUMNS = [
  'contact_name',
  'first_name',
  'last_name',
  'email',
  'outstanding_receivable_amount',
  'created_time',
  'last_modified_time',
] as const;
type SortColumn = (typeof LIST_SORT_COLUMNS)[number];

interface StoredContact {
  contact: Omit<SimulatorContact, 'created_time' | 'last_modified_time' | 'custom_fields'>;
  customValues: Map<string, string | number | boolean>;
  createdMs: number;
  modifiedMs: number;
  /** The contact's `GET /contacts` row as UTF-8 JSON, written whenever the contact changes (see `listRowJson`). */
  listRow: Buffer;
}

interface OrgState {
  org: Required<SimulatorOrganization>;
  contacts: Map<string, StoredContact>;
  customFields: Map<string, CustomFieldDefinition>;
  /** The per-minute limit and the daily quota of the organization, across every client. */
  limits: OrganizationLimits;
  /** Bumped on every change; keys the sorted-list cache. */
  version: number;
  sorted?: { key: string; rows: StoredContact[] };
}

interface ActiveFault {
  fault: SimulatorFault;
  startAfter: number;
  remaining: number;
}

class ZohoError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * A body already written as UTF-8 JSON, in parts (a list page: the stored rows themselves). Sent part by part rather
 * than joined: a joined copy per page is new memory outside V8's heap, and with a million stored contacts the full
 * collections that such memory sets off took most of the simulator's time.
 */
class JsonBytes {
  constructor(readonly parts: readonly Buffer[]) {}

  get length(): number {
    let length = 0;
    for (const part of this.parts) length += part.length;
    return length;
  }
}

function emptyAddress(id: string, input: AddressInput = {}): Address {
  return {
    address_id: id,
    attention: input.attention ?? '',
    address: input.address ?? '',
    street2: input.street2 ?? '',
    city: input.city ?? '',
    state_code: '',
    state: input.state ?? '',
    zip: input.zip ?? '',
    country: input.country ?? '',
    county: '',
    country_code: '',
    phone: input.phone ?? '',
    fax: '',
    latitude: '',
    longitude: '',
  };
}

function apiName(label: string): string {
  const snake = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `cf_${snake || 'field'}`;
}

function dataTypeOf(value: string | number | boolean): CustomFieldDefinition['data_type'] {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'check_box';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (/^[^@\s]+@[^@\s]+$/.test(value)) return 'email';
  return 'string';
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The first index whose row satisfies `test`, for a `test` that is false up to some index and true from there. */
function firstIndex<T>(rows: readonly T[], test: (row: T) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(rows[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function hex(random: SeededRandom, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random.next() * 16).toString(16);
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A local Zoho Invoice API (and accounts server) over real HTTP, answering as the facts in the package README
 * say Zoho does. One server: the accounts server at `/oauth/v2/token`, the API under `/invoice/v3`.
 */
export async function startZohoInvoiceSimulator(
  options: StartSimulatorOptions = {},
): Promise<ZohoInvoiceSimulator> {
  const seed = options.seed ?? 1;
  const random = new SeededRandom(seed);
  const rateLimit = options.rateLimit === undefined ? { limit: 100, windowMs: 60_000 } : options.rateLimit;
  const mintLimit =
    options.tokenMintLimit === undefined ? { limit: 10, windowMs: 600_000 } : options.tokenMintLimit;
  const tokenLifetimeMs = (options.accessTokenLifetimeSeconds ?? 3600) * 1000;
  const modifiedFilter =
    options.lastModifiedTimeFilter === false
      ? 'ignored'
      : options.lastModifiedTimeFilter === true || options.lastModifiedTimeFilter === undefined
        ? 'honoured'
        : options.lastModifiedTimeFilter;
  const dailyQuota = options.dailyQuota ?? { limit: DAILY_LIMIT };
  const startedAt = Date.now();
  let scopes = new Set(options.scopes ?? ALL_SCOPES);

  let credentials: SimulatorCredentials = {
    clientId: options.clientId ?? `1000.${hex(random, 30).toUpperCase()}`,
    clientSecret: options.clientSecret ?? hex(random, 42),
    refreshToken: `1000.${hex(random, 32)}.${hex(random, 32)}`,
  };
  let primaryEmail = options.primaryEmail ?? 'ava.thompson@northwind-trading.example.com';
  const accessTokens = new Map<string, { refreshToken: string; expiresAt: number }>();
  const mints = new Map<string, number[]>();
  const requests: RecordedRequest[] = [];
  let faults: ActiveFault[] = [];
  let apiCalls = 0;
  let idCounter = 0;
  let lastIssuedMs = 0;

  const nextId = () => `46000000${String(++idCounter).padStart(10, '0')}`;
  /** Modification times never go backwards, even when the wall clock has not moved on. */
  const nowMs = () => {
    lastIssuedMs = Math.max(Date.now(), lastIssuedMs);
    return lastIssuedMs;
  };

  const orgs = new Map<string, OrgState>();
  for (const org of options.organizations ?? DEFAULT_ORGANIZATIONS) {
    orgs.set(org.organization_id, {
      org: { time_zone: 'America/New_York', ...org },
      contacts: new Map(),
      customFields: new Map(),
      limits: new OrganizationLimits(org.time_zone ?? 'America/New_York', rateLimit, dailyQuota, startedAt),
      version: 0,
    });
  }

  const orgState = (organizationId: string): OrgState => {
    const state = orgs.get(organizationId);
    if (!state) throw new Error(`The simulator has no organization ${organizationId}`);
    return state;
  };

  // Every contact has its own times, so these are not cached (a cache of 200,000 of them cost more than it saved).
  const timeText = (state: OrgState, ms: number) => {
    const iso = formatZohoTime(ms, state.org.time_zone);
    return { iso, date: `${iso.slice(8, 10)} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}` };
  };

  // List rows are kept in shared slabs rather than a Buffer each: 100,000 small Buffers cost far more to allocate
  // and collect. A changed contact's old row stays in its slab until the slab's other rows are gone.
  let slab = Buffer.allocUnsafeSlow(ROW_SLAB_BYTES);
  let slabUsed = 0;
  const rowBytes = (json: string): Buffer => {
    const most = json.length * 3;
    if (most > ROW_SLAB_BYTES / 8) return Buffer.from(json);
    if (slabUsed + most > slab.length) {
      slab = Buffer.allocUnsafeSlow(ROW_SLAB_BYTES);
      slabUsed = 0;
    }
    const length = slab.write(json, slabUsed);
    const row = slab.subarray(slabUsed, slabUsed + length);
    slabUsed += length;
    return row;
  };

  const defineCustomField = (state: OrgState, label: string, value: string | number | boolean) => {
    let def = state.customFields.get(label);
    if (!def) {
      const id = nextId();
      def = {
        customfield_id: id,
        field_id: id,
        label,
        api_name: apiName(label),
        data_type: dataTypeOf(value),
        index: state.customFields.size + 1,
        is_active: true,
      };
      state.customFields.set(label, def);
    }
    return def;
  };

  const timeOf = (value: string | undefined, fallback: number): number => {
    if (!value) return fallback;
    const parsed = zohoTimeToMillis(value);
    if (parsed === undefined) throw new Error(`Not a time: ${value}`);
    return parsed;
  };

  const person = (
    input: {
      first_name?: string;
      last_name?: string;
      email?: string;
      phone?: string;
      mobile?: string;
      salutation?: string;
      designation?: string;
      department?: string;
      contact_person_id?: string;
    },
    primary: boolean,
  ): ContactPerson => ({
    contact_person_id: input.contact_person_id ?? nextId(),
    salutation: input.salutation ?? '',
    first_name: input.first_name ?? '',
    last_name: input.last_name ?? '',
    email: input.email ?? '',
    phone: input.phone ?? '',
    mobile: input.mobile ?? '',
    designation: input.designation ?? '',
    department: input.department ?? '',
    is_primary_contact: primary,
  });

  const applyInput = (state: OrgState, stored: StoredContact, input: ContactInput) => {
    const c = stored.contact;
    for (const key of [
      'company_name',
      'first_name',
      'last_name',
      'email',
      'phone',
      'mobile',
      'website',
    ] as const) {
      const value = input[key];
      if (value !== undefined) c[key] = value;
    }
    if (input.status) c.status = input.status;
    if (input.contact_type) c.contact_type = input.contact_type;
    if (input.customer_sub_type) c.customer_sub_type = input.customer_sub_type;
    if (input.contact_name !== undefined) c.contact_name = input.contact_name;
    if (input.billing_address) c.billing_address = { ...c.billing_address, ...input.billing_address };
    if (input.shipping_address) c.shipping_address = { ...c.shipping_address, ...input.shipping_address };
    for (const field of input.custom_fields ?? []) {
      defineCustomField(state, field.label, field.value);
      stored.customValues.set(field.label, field.value);
    }
    const primary = person(
      {
        contact_person_id: c.primary_contact_id || undefined,
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        phone: c.phone,
        mobile: c.mobile,
      },
      true,
    );
    c.primary_contact_id = primary.contact_person_id;
    const extras = input.contact_persons
      ? input.contact_persons.map((p) => person(p, false))
      : c.contact_persons.filter((p) => !p.is_primary_contact);
    c.contact_persons = [primary, ...extras];
  };

  const addContacts = (organizationId: string, inputs: ContactInput[]): SimulatorContact[] =>
    storeContacts(organizationId, inputs).map((stored) => render(orgState(organizationId), stored));

  const storeContacts = (organizationId: string, inputs: ContactInput[]): StoredContact[] => {
    const state = orgState(organizationId);
    return inputs.map((input) => {
      const id = input.contact_id ?? nextId();
      if (state.contacts.has(id)) throw new Error(`Contact ${id} already exists`);
      const now = nowMs();
      const stored: StoredContact = {
        contact: {
          contact_id: id,
          contact_name: '',
          company_name: '',
          first_name: '',
          last_name: '',
          email: '',
          phone: '',
          mobile: '',
          website: '',
          status: 'active',
          contact_type: 'customer',
          customer_sub_type: input.company_name ? 'business' : 'individual',
          billing_address: emptyAddress(nextId()),
          shipping_address: emptyAddress(nextId()),
          contact_persons: [],
          primary_contact_id: '',
        },
        customValues: new Map(),
        createdMs: timeOf(input.created_time, now),
        modifiedMs: timeOf(input.last_modified_time, now),
        listRow: EMPTY,
      };
      applyInput(state, stored, input);
      const c = stored.contact;
      if (!c.contact_name)
        c.contact_name = c.company_name || `${c.first_name} ${c.last_name}`.trim() || c.email || id;
      stored.listRow = rowBytes(listRowJson(state, stored));
      state.contacts.set(id, stored);
      state.version++;
      return stored;
    });
  };

  const updateContact = (
    organizationId: string,
    contactId: string,
    patch: ContactInput,
  ): SimulatorContact => {
    const state = orgState(organizationId);
    const stored = state.contacts.get(contactId);
    if (!stored) throw new Error(`The simulator has no contact ${contactId} in ${organizationId}`);
    applyInput(state, stored, patch);
    state.version++;
    stored.modifiedMs = patch.last_modified_time ? timeOf(patch.last_modified_time, 0) : nowMs();
    stored.listRow = rowBytes(listRowJson(state, stored));
    return render(state, stored);
  };

  const deleteContact = (organizationId: string, contactId: string) => {
    const state = orgState(organizationId);
    if (state.contacts.delete(contactId)) state.version++;
  };

  const rotateKey = (): SimulatorCredentials => {
    const old = credentials.refreshToken;
    credentials = {
      ...credentials,
      refreshToken: `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`,
    };
    for (const [token, info] of accessTokens) if (info.refreshToken === old) accessTokens.delete(token);
    return { ...credentials };
  };

  /** The contact as the API shows it; shares objects with the store, so copy before handing it out. */
  const view = (state: OrgState, stored: StoredContact): SimulatorContact => {
    const custom_fields: CustomFieldValue[] = [];
    for (const [label, value] of stored.customValues) {
      const def = state.customFields.get(label);
      if (!def) continue;
      custom_fields.push({
        ...def,
        value,
        value_formatted: String(value),
        placeholder: def.api_name,
        search_entity: 'contact',
        show_on_pdf: false,
        show_in_portal: false,
      });
    }
    return {
      ...stored.contact,
      custom_fields,
      created_time: timeText(state, stored.createdMs).iso,
      last_modified_time: timeText(state, stored.modifiedMs).iso,
    };
  };
  const render = (state: OrgState, stored: StoredContact): SimulatorContact =>
    structuredClone(view(state, stored));

  /** The constant start of a custom field's JSON in a contact (its definition), by definition. */
  const definitionJson = new WeakMap<CustomFieldDefinition, string>();

  /**
   * A list row: what `GET /contacts` returns for a contact (no addresses, no contact persons), as JSON text written
   * directly. It depends on nothing but the contact (custom field definitions never change, nor the org's zone),
   * so it is written when the contact is stored or changed and a list page is these bytes put together: serving a
   * page then costs a copy, not 200 serializations and a UTF-8 encoding of the whole body.
   */
  const listRowJson = (state: OrgState, stored: StoredContact): string => {
    const c = stored.contact;
    const q = JSON.stringify;
    const name = q(c.contact_name);
    const created = timeText(state, stored.createdMs);
    const modified = timeText(state, stored.modifiedMs);
    const fields: string[] = [];
    const hash: Record<string, string | number | boolean> = {};
    for (const [label, value] of stored.customValues) {
      const def = state.customFields.get(label);
      if (!def) continue;
      let head = definitionJson.get(def);
      if (head === undefined) {
        head = q(def).slice(0, -1);
        definitionJson.set(def, head);
      }
      const formatted = String(value);
      fields.push(
        `${head},"value":${q(value)},"value_formatted":${q(formatted)},"placeholder":${q(def.api_name)},` +
          '"search_entity":"contact","show_on_pdf":false,"show_in_portal":false}',
      );
      hash[def.api_name] = formatted;
      hash[`${def.api_name}_unformatted`] = value;
    }
    return (
      `{"contact_id":${q(c.contact_id)},"contact_name":${name},"customer_name":${name},"vendor_name":${name},` +
      `"company_name":${q(c.company_name)},"website":${q(c.website)},"language_code":"","language_code_formatted":"",` +
      `"contact_type":${q(c.contact_type)},"contact_type_formatted":${c.contact_type === 'customer' ? '"Customer"' : '"Vendor"'},` +
      `"status":${q(c.status)},"customer_sub_type":${q(c.customer_sub_type)},"source":"api",` +
      '"is_linked_with_zohocrm":false,"payment_terms":0,"payment_terms_label":"Due on Receipt","currency_code":"USD",' +
      '"outstanding_receivable_amount":0,"outstanding_receivable_amount_bcy":0,"unused_credits_receivable_amount":0,' +
      '"unused_credits_receivable_amount_bcy":0,' +
      `"first_name":${q(c.first_name)},"last_name":${q(c.last_name)},"email":${q(c.email)},"phone":${q(c.phone)},` +
      `"mobile":${q(c.mobile)},"portal_status":"disabled","portal_status_formatted":"Disabled",` +
      `"created_time":${q(created.iso)},"created_time_formatted":${q(created.date)},` +
      `"last_modified_time":${q(modified.iso)},"last_modified_time_formatted":${q(modified.date)},` +
      `"custom_fields":[${fields.join(',')}],"custom_field_hash":${q(hash)},"contactperson_custom_fields":[],` +
      '"ach_supported":false,"has_attachment":false}'
    );
  };

  // Seeded contacts.
  const perOrg = options.contactsPerOrganization ?? 250;
  let orgIndex = 0;
  for (const state of orgs.values()) {
    if (perOrg > 0)
      storeContacts(
        state.org.organization_id,
        generateContacts(seed * 7919 + orgIndex, perOrg, options.generator),
      );
    orgIndex++;
  }

  // ---- HTTP ----

  const record = (req: IncomingMessage, url: URL, status: number, organizationId?: string) => {
    if (requests.length >= MAX_RECORDED_REQUESTS) requests.shift();
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      organizationId,
      status,
      at: Date.now(),
    });
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    malformed = false,
  ) => {
    if (body instanceof JsonBytes && !malformed) {
      res.writeHead(status, {
        'content-type': 'application/json;charset=UTF-8',
        'content-length': String(body.length),
        ...headers,
      });
      res.cork();
      for (const part of body.parts) res.write(part);
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    const text =
      body instanceof JsonBytes ? Buffer.concat(body.parts).toString('utf8') : JSON.stringify(body);
    res.end(malformed ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text);
  };

  /** Applies mutation faults that are due and returns the response faults for this call. */
  const dueFaults = (path: string, isApi: boolean): SimulatorFault[] => {
    const due: SimulatorFault[] = [];
    // API calls answered before this one: a fault is armed once `afterRequests` of them have gone by.
    const before = isApi ? apiCalls - 1 : apiCalls;
    for (const active of faults) {
      if (active.remaining <= 0 || before < active.startAfter) continue;
      const f = active.fault;
      if (f.type === 'rotateKey' || f.type === 'deleteContacts' || f.type === 'modifyContacts') {
        if (!isApi) continue;
        active.remaining = 0;
        if (f.type === 'rotateKey') rotateKey();
        else if (f.type === 'deleteContacts')
          for (const id of f.contactIds) deleteContact(f.organizationId, id);
        else for (const id of f.contactIds) updateContact(f.organizationId, id, f.patch ?? {});
        continue;
      }
      const matches = f.path ? path.startsWith(f.path) : isApi;
      if (!matches) continue;
      active.remaining--;
      due.push(f);
    }
    faults = faults.filter((a) => a.remaining > 0);
    return due;
  };

  const handleToken = async (req: IncomingMessage, res: ServerResponse, url: URL, malformed: boolean) => {
    const params = new URLSearchParams(url.searchParams);
    const body = await readBody(req);
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
    let status = 200;
    let answer: Record<string, unknown>;
    const refreshToken = params.get('refresh_token') ?? '';
    if (params.get('grant_type') !== 'refresh_token') answer = { error: 'unsupported_grant_type' };
    else if (
      params.get('client_id') !== credentials.clientId ||
      params.get('client_secret') !== credentials.clientSecret
    )
      answer = { error: 'invalid_client' };
    else if (refreshToken !== credentials.refreshToken) answer = { error: 'invalid_code' };
    else {
      const now = Date.now();
      const recent = (mints.get(refreshToken) ?? []).filter(
        (t) => !mintLimit || t > now - mintLimit.windowMs,
      );
      if (mintLimit && recent.length >= mintLimit.limit) {
        status = 400;
        answer = {
          error: 'Access Denied',
          error_description:
            'You have made too many requests continuously. Please try again after some time.',
          status: 'failure',
        };
      } else {
        recent.push(now);
        mints.set(refreshToken, recent);
        const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
        accessTokens.set(token, { refreshToken, expiresAt: now + tokenLifetimeMs });
        answer = {
          access_token: token,
          expires_in: Math.round(tokenLifetimeMs / 1000),
          api_domain: options.apiDomain ?? `http://${hostForUrl}:${port}`,
          token_type: 'Bearer',
        };
      }
    }
    record(req, url, status);
    send(res, status, answer, {}, malformed);
  };

  const authenticate = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    const match = /^Zoho-oauthtoken\s+(\S+)$/i.exec(header);
    const info = match?.[1] ? accessTokens.get(match[1]) : undefined;
    if (!info || info.expiresAt <= Date.now() || info.refreshToken !== credentials.refreshToken) {
      throw new ZohoError(401, 57, 'You are not authorized to perform this operation');
    }
  };

  const organizationOf = (req: IncomingMessage, url: URL): OrgState => {
    const header = req.headers[ORG_HEADER];
    const id = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('organization_id') ?? '';
    if (!id) throw new ZohoError(400, 6041, 'This user is not associated with the CompanyID/CompanyName:.');
    const state = orgs.get(id);
    if (!state)
      throw new ZohoError(400, 6041, `This user is not associated with the CompanyID/CompanyName:${id}.`);
    return state;
  };

  const limitHeaders = (state: OrgState | undefined): Record<string, string> =>
    state ? state.limits.headers() : {};

  const checkRate = (state: OrgState | undefined) => {
    const refusal = state?.limits.admit();
    if (refusal) throw new ZohoError(refusal.status, refusal.code, refusal.message, refusal.headers);
  };

  /** A scope the key lacks: Zoho answers HTTP 401 with code 57 (observed for a missing scope, section 3). */
  const requireScope = (scope: string) => {
    if (!scopes.has(scope)) throw new ZohoError(401, 57, 'You are not authorized to perform this operation');
  };

  const intParam = (url: URL, name: string, fallback: number): number => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1)
      throw new ZohoError(400, 2, `Invalid value passed for ${name}`);
    return Number(raw);
  };

  const listContacts = (state: OrgState, url: URL) => {
    const page = intParam(url, 'page', 1);
    const perPage = Math.min(200, intParam(url, 'per_page', 200));
    const sortColumn = (url.searchParams.get('sort_column') ?? 'contact_name') as SortColumn;
    if (!LIST_SORT_COLUMNS.includes(sortColumn))
      throw new ZohoError(400, 2, 'Invalid value passed for sort_column');
    const sortOrder = url.searchParams.get('sort_order') ?? 'A';
    if (sortOrder !== 'A' && sortOrder !== 'D')
      throw new ZohoError(400, 2, 'Invalid value passed for sort_order');
    const filterBy = url.searchParams.get('filter_by') ?? 'Status.Customers';
    const filters: Record<string, (s: StoredContact) => boolean> = {
      'Status.All': () => true,
      'Status.Customers': (s) => s.contact.contact_type === 'customer',
      'Status.Vendors': (s) => s.contact.contact_type === 'vendor',
      'Status.Active': (s) => s.contact.status === 'active',
      'Status.Inactive': (s) => s.contact.status === 'inactive',
    };
    const byStatus = filters[filterBy];
    if (!byStatus) throw new ZohoError(400, 2, 'Invalid value passed for filter_by');
    let since: number | undefined;
    const modifiedParam = url.searchParams.get('last_modified_time');
    // Not a documented parameter: honoured as an inclusive bound, ignored, or refused, as the option says.
    if (modifiedParam && modifiedFilter === 'refused')
      throw new ZohoError(400, 2, 'Invalid value passed for last_modified_time');
    if (modifiedParam && modifiedFilter === 'honoured') {
      const parsed = zohoTimeToMillis(modifiedParam);
      if (parsed === undefined) throw new ZohoError(400, 2, 'Invalid value passed for last_modified_time');
      since = Math.floor(parsed / 1000) * 1000;
    }
    const text: [string, keyof StoredContact['contact']][] = [
      ['contact_name', 'contact_name'],
      ['company_name', 'company_name'],
      ['first_name', 'first_name'],
      ['last_name', 'last_name'],
      ['email', 'email'],
      ['phone', 'phone'],
    ];
    const textFilters: ((s: StoredContact) => boolean)[] = [];
    for (const [param, key] of text) {
      for (const [suffix, test] of [
        ['', (a: string, b: string) => a === b],
        ['_startswith', (a: string, b: string) => a.startsWith(b)],
        ['_contains', (a: string, b: string) => a.includes(b)],
      ] as const) {
        const wanted = url.searchParams.get(param + suffix);
        if (wanted !== null)
          textFilters.push((s) => test(String(s.contact[key]).toLowerCase(), wanted.toLowerCase()));
      }
    }
    const sortValue = (s: StoredContact): string | number => {
      if (sortColumn === 'created_time') return Math.floor(s.createdMs / 1000);
      if (sortColumn === 'last_modified_time') return Math.floor(s.modifiedMs / 1000);
      if (sortColumn === 'outstanding_receivable_amount') return 0;
      return String(s.contact[sortColumn]).toLowerCase();
    };
    const sortKey = `${state.version}|${sortColumn}|${sortOrder}`;
    if (state.sorted?.key !== sortKey) {
      const keyed = [...state.contacts.values()].map((s) => ({ s, v: sortValue(s) }));
      keyed.sort((a, b) => {
        const primary = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
        return (
          (sortOrder === 'A' ? primary : -primary) ||
          compareIds(a.s.contact.contact_id, b.s.contact.contact_id)
        );
      });
      state.sorted = { key: sortKey, rows: keyed.map((k) => k.s) };
    }
    // Only the rows up to the end of the page (and one more, for has_more_page) are looked at: a keyset read
    // (page 1 under a moving bound) costs a page, not a pass over every contact.
    const sorted = state.sorted.rows;
    let from = 0;
    let to = sorted.length;
    if (since !== undefined && sortColumn === 'last_modified_time') {
      // `since` is a whole second, so `modifiedMs >= since` exactly when the second sorted on is >= since / 1000:
      // the matching rows are one run of the sorted list (a suffix ascending, a prefix descending).
      const cut = firstIndex(sorted, (s) =>
        sortOrder === 'A' ? s.modifiedMs >= since : s.modifiedMs < since,
      );
      if (sortOrder === 'A') from = cut;
      else to = cut;
    }
    const slice: StoredContact[] = [];
    const skip = (page - 1) * perPage;
    let matched = 0;
    let hasMore = false;
    for (let i = from; i < to; i++) {
      const s = sorted[i]!;
      if (!byStatus(s) || (since !== undefined && s.modifiedMs < since) || !textFilters.every((f) => f(s)))
        continue;
      matched++;
      if (matched <= skip) continue;
      if (slice.length === perPage) {
        hasMore = true;
        break;
      }
      slice.push(s);
    }
    const pageContext = {
      page,
      per_page: perPage,
      has_more_page: hasMore,
      report_name: 'Contacts',
      applied_filter: filterBy,
      custom_fields: [],
      sort_column: sortColumn,
      sort_order: sortOrder,
    };
    const parts: Buffer[] = [LIST_HEAD];
    for (let i = 0; i < slice.length; i++) {
      if (i > 0) parts.push(COMMA);
      parts.push(slice[i]!.listRow);
    }
    parts.push(Buffer.from(`],"page_context":${JSON.stringify(pageContext)}}`));
    return new JsonBytes(parts);
  };

  const listContactPersons = (state: OrgState, url: URL, onlyContact?: string) => {
    const page = intParam(url, 'page', 1);
    const perPage = Math.min(200, intParam(url, 'per_page', 200));
    const contactFilter = onlyContact ?? url.searchParams.get('contact_id') ?? undefined;
    if (onlyContact && !state.contacts.has(onlyContact))
      throw new ZohoError(404, 1002, 'Contact does not exist.');
    const rows = [...state.contacts.values()]
      .filter((s) => !contactFilter || s.contact.contact_id === contactFilter)
      .flatMap((s) =>
        s.contact.contact_persons.map((p) => ({
          contact_id: s.contact.contact_id,
          contact_name: s.contact.contact_name,
          ...p,
          skype: '',
          fax: '',
          currency_code: 'USD',
          created_time: timeText(state, s.createdMs).date,
          contactperson_custom_fields: [],
        })),
      )
      .sort((a, b) => compareIds(a.contact_person_id, b.contact_person_id));
    return {
      code: 0,
      message: 'success',
      contact_persons: rows.slice((page - 1) * perPage, page * perPage),
      page_context: {
        page,
        per_page: perPage,
        has_more_page: rows.length > page * perPage,
        report_name: 'Contact Persons',
        sort_column: 'contact_person_id',
        sort_order: 'A',
      },
    };
  };

  const organizationsBody = () => ({
    code: 0,
    message: 'success',
    organizations: [...orgs.values()].map((state, index) => ({
      organization_id: state.org.organization_id,
      name: state.org.name,
      contact_name: 'Ava Thompson',
      email: primaryEmail,
      is_default_org: index === 0,
      language_code: 'en',
      fiscal_year_start_month: '1',
      account_created_date: '2026-01-15',
      time_zone: state.org.time_zone,
      is_dst_active: false,
      date_format: 'dd MMM yyyy',
      field_separator: ' ',
      currency_id: '460000000000097',
      currency_code: 'USD',
      currency_symbol: '$',
      currency_format: '###,##0.00',
      price_precision: 2,
      plan_type: 0,
      plan_name: 'Free',
      country_code: 'US',
      country_name: 'U.S.A',
      org_settings: { is_org_active: true },
    })),
  });

  const usersBody = () => ({
    code: 0,
    message: 'success',
    users: [
      {
        user_id: '460000000000101',
        name: 'Ava Thompson',
        email: primaryEmail,
        status: 'active',
        user_role: 'admin',
        user_type: 'zoho',
        role_id: '460000000000201',
        is_current_user: true,
        is_super_admin: true,
        is_employee: true,
        mobile: '',
        photo_url: '',
        invitation_type: '',
      },
      {
        user_id: '460000000000102',
        name: 'Ben Okafor',
        email: 'ben.okafor@northwind-trading.example.com',
        status: 'active',
        user_role: 'staff',
        user_type: 'zoho',
        role_id: '460000000000202',
        is_current_user: false,
        is_super_admin: false,
        is_employee: true,
        mobile: '',
        photo_url: '',
        invitation_type: '',
      },
    ],
    page_context: {
      page: 1,
      per_page: 200,
      has_more_page: false,
      report_name: 'Users',
      applied_filter: 'Status.All',
      sort_column: 'name',
      sort_order: 'A',
    },
  });

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, malformed: boolean) => {
    const path = url.pathname.slice(API_PREFIX.length) || '/';
    let state: OrgState | undefined;
    try {
      authenticate(req);
      if (req.method !== 'GET')
        throw new ZohoError(405, 37, 'The HTTP method is not allowed for the requested resource');
      if (path === '/organizations') {
        requireScope('ZohoInvoice.settings.READ');
        record(req, url, 200);
        send(res, 200, organizationsBody(), {}, malformed);
        return;
      }
      state = organizationOf(req, url);
      checkRate(state);
      let body: unknown;
      const detail = /^\/contacts\/(\d+)$/.exec(path);
      const personsOfContact = /^\/contacts\/(\d+)\/contactpersons$/.exec(path);
      requireScope(path.startsWith('/contacts') ? 'ZohoInvoice.contacts.READ' : 'ZohoInvoice.settings.READ');
      if (path === '/contacts') body = listContacts(state, url);
      else if (path === '/contacts/contactpersons') body = listContactPersons(state, url);
      else if (personsOfContact?.[1]) body = listContactPersons(state, url, personsOfContact[1]);
      else if (detail?.[1]) {
        const stored = state.contacts.get(detail[1]);
        if (!stored) throw new ZohoError(404, 1002, 'Contact does not exist.');
        body = { code: 0, message: 'success', contact: view(state, stored) };
      } else if (path === '/users') body = usersBody();
      else if (path === '/settings/customfields' && url.searchParams.get('entity') === 'contact')
        body = { code: 0, message: 'success', customfields: [...state.customFields.values()] };
      else throw new ZohoError(404, 5, 'Invalid URL Passed');
      const headers = limitHeaders(state);
      record(req, url, 200, state.org.organization_id);
      send(res, 200, body, headers, malformed);
    } catch (error) {
      if (!(error instanceof ZohoError)) throw error;
      record(req, url, error.status, state?.org.organization_id);
      send(
        res,
        error.status,
        { code: error.code, message: error.message },
        { ...limitHeaders(state), ...error.headers },
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const isApi = url.pathname.startsWith(`${API_PREFIX}/`);
    if (isApi) apiCalls++;
    let malformed = false;
    for (const fault of dueFaults(url.pathname.slice(isApi ? API_PREFIX.length : 0), isApi)) {
      if (fault.type === 'delay') await sleep(fault.ms);
      else if (fault.type === 'malformedJson') malformed = true;
      else if (fault.type === 'networkError') {
        record(req, url, 0);
        req.socket.destroy();
        return;
      } else if (fault.type === 'status') {
        record(req, url, fault.status);
        const body =
          fault.status === 401
            ? { code: 57, message: 'You are not authorized to perform this operation' }
            : fault.status >= 500
              ? { code: 1000, message: 'Internal error' }
              : { code: 2, message: 'Invalid request' };
        send(res, fault.status, body);
        return;
      } else if (fault.type === 'emptyPage') {
        record(req, url, 200);
        const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
        const perPage = Math.max(1, Number(url.searchParams.get('per_page')) || 200);
        send(res, 200, {
          code: 0,
          message: 'success',
          contacts: [],
          page_context: { page, per_page: perPage, has_more_page: true },
        });
        return;
      } else if (fault.type === 'rateLimit') {
        record(req, url, 429);
        send(
          res,
          429,
          {
            code: 44,
            message: 'You have made too many requests per minute. Please try again after some time.',
          },
          { 'Retry-After': String(fault.retryAfterSeconds ?? 1) },
        );
        return;
      }
    }
    if (res.destroyed) return;
    if (url.pathname === TOKEN_PATH && req.method === 'POST') return handleToken(req, res, url, malformed);
    if (isApi) return handleApi(req, res, url, malformed);
    record(req, url, 404);
    send(res, 404, { code: 5, message: 'Invalid URL Passed' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 1000, message: 'Internal error' });
      else res.destroy();
      console.error('zoho-invoice simulator:', error);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${hostForUrl}:${port}`;

  return {
    apiUrl: `${origin}${API_PREFIX}`,
    accountsUrl: origin,
    get credentials() {
      return { ...credentials };
    },
    get primaryEmail() {
      return primaryEmail;
    },
    organizations: [...orgs.values()].map((s) => ({ ...s.org })),
    addContacts,
    updateContact,
    deleteContact,
    rotateKey,
    setPrimaryEmail(email) {
      primaryEmail = email;
    },
    setScopes(granted) {
      scopes = new Set(granted);
    },
    resetDailyQuota(organizationId) {
      for (const state of orgs.values())
        if (!organizationId || state.org.organization_id === organizationId) state.limits.resetDay();
    },
    requestsToday(organizationId) {
      return orgState(organizationId).limits.usedToday;
    },
    injectFault(fault) {
      const count = 'count' in fault && fault.count !== undefined ? fault.count : 1;
      faults.push({ fault, startAfter: apiCalls + (fault.afterRequests ?? 0), remaining: count });
    },
    clearFaults() {
      faults = [];
    },
    expireAccessTokens() {
      for (const info of accessTokens.values()) info.expiresAt = 0;
    },
    contacts(organizationId) {
      const state = orgState(organizationId);
      return [...state.contacts.values()].map((s) => render(state, s));
    },
    get requests() {
      return requests;
    },
    clearRequests() {
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
