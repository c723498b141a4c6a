import { fieldMetaJson } from './fields.ts';
import { formatTime, type ModuleStore, type StoredRecord } from './store.ts';

/** A refusal in Zoho CRM's error body (README, E1): `{ code, details, message, status: "error" }`. */
export class CrmApiError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly details: Record<string, unknown> = {},
  ) {}
}

export interface Answer {
  status: number;
  /** Undefined: no body (204). */
  body?: unknown;
}

export interface ListOptions {
  pageTokens: boolean;
  maxTokenRecords: number;
  offset: string;
  now: number;
}

const PAGE_TOKEN_LIFETIME_MS = 86_400_000;
const SORTS = ['id', 'Created_Time', 'Modified_Time'];

function perPage(params: URLSearchParams): number {
  const raw = params.get('per_page');
  if (raw === null) return 200;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 200)
    throw new CrmApiError(400, 'INVALID_DATA', 'invalid data', { param_name: 'per_page' });
  return n;
}

function since(ifModifiedSince: string | undefined): number | undefined {
  if (ifModifiedSince === undefined) return undefined;
  const ms = Date.parse(ifModifiedSince);
  if (Number.isNaN(ms))
    throw new CrmApiError(400, 'INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since' });
  return ms;
}

type Key = (r: StoredRecord) => number | string;

/** The index of the first record of sorted `list` that comes after `after` (binary search). */
function firstAfter(
  list: readonly StoredRecord[],
  after: StoredRecord,
  cmp: (a: StoredRecord, b: StoredRecord) => number,
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(list[mid] as StoredRecord, after) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `GET /{module}` (README, R1–R5): fields, sorting, If-Modified-Since, page numbers to 2,000, then page tokens. */
export function listRecords(
  store: ModuleStore,
  params: URLSearchParams,
  ifModifiedSince: string | undefined,
  options: ListOptions,
): Answer {
  const fieldsParam = params.get('fields');
  if (!fieldsParam)
    throw new CrmApiError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
      param_name: 'fields',
    });
  const fields = fieldsParam
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.length > 50)
    throw new CrmApiError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit: 50, param_name: 'fields' });
  const size = perPage(params);
  const sortBy = params.get('sort_by') ?? 'id';
  if (!SORTS.includes(sortBy))
    throw new CrmApiError(400, 'INVALID_DATA', 'invalid data', {
      param_name: 'sort_by',
      supported_values: SORTS,
    });
  const order = params.get('sort_order') ?? 'desc';
  const sinceMs = since(ifModifiedSince);
  const tokenParam = params.get('page_token');
  if (tokenParam !== null && params.has('page'))
    throw new CrmApiError(400, 'AMBIGUITY_DURING_PROCESSING', 'ambiguity while processing the request', {
      ambiguity_due_to: [{ param_name: 'page' }, { param_name: 'page_token' }],
    });
  const key: Key =
    sortBy === 'id'
      ? (r) => BigInt(r.id).toString().padStart(20, '0')
      : sortBy === 'Created_Time'
        ? (r) => r.createdMs
        : (r) => r.modifiedMs;
  const cmp = (a: StoredRecord, b: StoredRecord) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return order === 'asc' ? c : -c;
  };
  // The connector's own order is kept sorted by the store; If-Modified-Since is then a binary search, not a copy.
  const byModified = sortBy === 'Modified_Time' && order === 'asc';
  // Leads converted into contacts are left out unless asked for (README, R7: the default is ASSUMED).
  const converted = store.module === 'Leads' ? (params.get('converted') ?? 'false') : 'both';
  if (!['false', 'true', 'both'].includes(converted))
    throw new CrmApiError(400, 'INVALID_DATA', 'invalid data', { param_name: 'converted' });
  let all = byModified ? store.byModified() : [...store.records.values()].sort(cmp);
  if (converted !== 'both')
    all = all.filter((r) => (r.values.get('$converted') === true) === (converted === 'true'));
  const list = byModified || sinceMs === undefined ? all : all.filter((r) => r.modifiedMs > sinceMs);
  const from =
    byModified && sinceMs !== undefined
      ? firstAfter(list, { id: '', modifiedMs: sinceMs, createdMs: 0, values: new Map() }, (a, b) =>
          a.modifiedMs > b.modifiedMs ? 1 : -1,
        )
      : 0;
  const queryKey = JSON.stringify([
    store.module,
    fields,
    size,
    sortBy,
    order,
    converted,
    ifModifiedSince ?? null,
  ]);

  let start: number;
  let page: number;
  let served = 0;
  if (tokenParam !== null) {
    const state = store.token(tokenParam);
    if (!state) throw new CrmApiError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page_token' });
    if (state.expiresAt < options.now)
      throw new CrmApiError(400, 'EXPIRED_VALUE', 'the given page token has expired', {
        api_name: 'page_token',
        json_path: '$.page_token',
      });
    if (state.query !== queryKey)
      throw new CrmApiError(
        400,
        'TOKEN_BOUND_DATA_MISMATCH',
        'the page token does not belong to this request',
        { param_name: 'page_token' },
      );
    if (state.served >= options.maxTokenRecords)
      throw new CrmApiError(400, 'PAGINATION_LIMIT_EXCEEDED', 'pagination limit exceeded', {
        param_name: 'page_token',
      });
    // The chain resumes after the last record it served, wherever records moved since (a cursor, not an offset).
    const after = {
      id: state.afterId,
      modifiedMs: state.afterMs,
      createdMs: state.afterMs,
      values: new Map(),
    } as StoredRecord;
    const anchor = store.records.get(state.afterId) ?? after;
    start = Math.max(from, firstAfter(list, sortBy === 'Modified_Time' ? after : anchor, cmp));
    page = state.page;
    served = state.served;
  } else {
    page = Number(params.get('page') ?? 1);
    if (!Number.isInteger(page) || page < 1)
      throw new CrmApiError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
    if ((page - 1) * size >= 2000)
      throw new CrmApiError(
        400,
        'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
        'You can only get the first 2000 records without using page_token param.',
        { limit: 2000 },
      );
    start = from + (page - 1) * size;
  }
  const rows = list.slice(start, start + size);
  if (rows.length === 0) return { status: 204 };
  const more = start + rows.length < list.length;
  const last = rows[rows.length - 1] as StoredRecord;
  const expiresAt = options.now + PAGE_TOKEN_LIFETIME_MS;
  const token =
    more && options.pageTokens
      ? store.issueToken({
          module: store.module,
          query: queryKey,
          afterMs: last.modifiedMs,
          afterId: last.id,
          served: served + rows.length,
          page: page + 1,
          expiresAt,
        })
      : null;
  return {
    status: 200,
    body: {
      data: rows.map((r) => store.json(r, fields)),
      info: {
        call: false,
        per_page: size,
        next_page_token: token,
        count: rows.length,
        sort_by: sortBy,
        page,
        page_token_expiry: token ? formatTime(expiresAt, options.offset) : null,
        sort_order: order,
        email: false,
        more_records: more,
        previous_page_token: null,
      },
    },
  };
}

/** `GET /{module}/deleted` (README, D1): recycled and permanently deleted records, by page, after If-Modified-Since. */
export function listDeleted(
  store: ModuleStore,
  params: URLSearchParams,
  ifModifiedSince: string | undefined,
): Answer {
  const type = params.get('type') ?? 'all';
  if (!['all', 'recycle', 'permanent'].includes(type))
    throw new CrmApiError(400, 'PATTERN_NOT_MATCHED', 'Please check whether the input values are correct', {
      param_name: 'type',
    });
  const size = perPage(params);
  const page = Number(params.get('page') ?? 1);
  const sinceMs = since(ifModifiedSince);
  const entries = store.deleted.filter(
    (e) => (type === 'all' || e.type === type) && (sinceMs === undefined || e.deletedMs > sinceMs),
  );
  const rows = entries.slice((page - 1) * size, page * size);
  if (rows.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      data: rows.map((e) => store.deletedJson(e)),
      info: { per_page: size, count: rows.length, page, more_records: page * size < entries.length },
    },
  };
}

/** `GET /settings/fields?module=` (README, F1). */
export function listFields(store: ModuleStore): Answer {
  return { status: 200, body: { fields: store.fields.map((f, i) => fieldMetaJson(f, i)) } };
}

/** `GET /{module}/actions/count` (README, R6). */
export function countRecords(store: ModuleStore): Answer {
  return { status: 200, body: { count: store.records.size } };
}

/** `GET /users?type=CurrentUser` (README, U1). */
export function currentUser(email: string): Answer {
  const [first = '', last = ''] = email.split('@')[0]?.split('.') ?? [];
  return {
    status: 200,
    body: {
      users: [
        {
          id: '4150868000000225013',
          first_name: first,
          last_name: last,
          full_name: `${first} ${last}`.trim(),
          email,
          status: 'active',
          role: { name: 'CEO', id: '4150868000000026005' },
          profile: { name: 'Administrator', id: '4150868000000026011' },
        },
      ],
      info: { per_page: 200, count: 1, page: 1, more_records: false },
    },
  };
}
