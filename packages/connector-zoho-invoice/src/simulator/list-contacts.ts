import { zohoTimeToMillis } from '../zoho-time.ts';
import { intParam, JsonBytes, ZohoError } from './http.ts';
import { timeText } from './list-rows.ts';
import type { OrgState, StoredContact } from './store.ts';
import type { StartSimulatorOptions } from './types.ts';

/** `GET /contacts` (paging, sorting, status and text filters, `last_modified_time`) and the contact persons lists. */

const COMMA = Buffer.from(',');
const LIST_HEAD = Buffer.from('{"code":0,"message":"success","contacts":[');

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

const STATUS_FILTERS: Record<string, (s: StoredContact) => boolean> = {
  'Status.All': () => true,
  'Status.Customers': (s) => s.contact.contact_type === 'customer',
  'Status.Vendors': (s) => s.contact.contact_type === 'vendor',
  'Status.Active': (s) => s.contact.status === 'active',
  'Status.Inactive': (s) => s.contact.status === 'inactive',
};

const TEXT_PARAMETERS: [string, keyof StoredContact['contact']][] = [
  ['contact_name', 'contact_name'],
  ['company_name', 'company_name'],
  ['first_name', 'first_name'],
  ['last_name', 'last_name'],
  ['email', 'email'],
  ['phone', 'phone'],
];

/** What the simulator does with `last_modified_time` on the list (not a documented parameter). */
export type ModifiedFilterMode = 'honoured' | 'ignored' | 'refused';

export function modifiedFilterMode(
  option: StartSimulatorOptions['lastModifiedTimeFilter'],
): ModifiedFilterMode {
  if (option === false) return 'ignored';
  if (option === true || option === undefined) return 'honoured';
  return option;
}

export function compareIds(a: string, b: string): number {
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

function textFiltersOf(url: URL): ((s: StoredContact) => boolean)[] {
  const filters: ((s: StoredContact) => boolean)[] = [];
  for (const [param, key] of TEXT_PARAMETERS) {
    for (const [suffix, test] of [
      ['', (a: string, b: string) => a === b],
      ['_startswith', (a: string, b: string) => a.startsWith(b)],
      ['_contains', (a: string, b: string) => a.includes(b)],
    ] as const) {
      const wanted = url.searchParams.get(param + suffix);
      if (wanted !== null)
        filters.push((s) => test(String(s.contact[key]).toLowerCase(), wanted.toLowerCase()));
    }
  }
  return filters;
}

/** The organization's contacts sorted as asked, cached until the next change. */
function sortedRows(state: OrgState, sortColumn: SortColumn, sortOrder: 'A' | 'D'): StoredContact[] {
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
        (sortOrder === 'A' ? primary : -primary) || compareIds(a.s.contact.contact_id, b.s.contact.contact_id)
      );
    });
    state.sorted = { key: sortKey, rows: keyed.map((k) => k.s) };
  }
  return state.sorted.rows;
}

/** `GET /contacts`: a page of stored list rows (sent as they are stored). */
export function listContacts(state: OrgState, url: URL, modifiedFilter: ModifiedFilterMode): JsonBytes {
  const page = intParam(url, 'page', 1);
  const perPage = Math.min(200, intParam(url, 'per_page', 200));
  const sortColumn = (url.searchParams.get('sort_column') ?? 'contact_name') as SortColumn;
  if (!LIST_SORT_COLUMNS.includes(sortColumn))
    throw new ZohoError(400, 2, 'Invalid value passed for sort_column');
  const sortOrder = url.searchParams.get('sort_order') ?? 'A';
  if (sortOrder !== 'A' && sortOrder !== 'D')
    throw new ZohoError(400, 2, 'Invalid value passed for sort_order');
  const filterBy = url.searchParams.get('filter_by') ?? 'Status.Customers';
  const byStatus = STATUS_FILTERS[filterBy];
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
  const textFilters = textFiltersOf(url);
  // Only the rows up to the end of the page (and one more, for has_more_page) are looked at: a keyset read
  // (page 1 under a moving bound) costs a page, not a pass over every contact.
  const sorted = sortedRows(state, sortColumn, sortOrder);
  let from = 0;
  let to = sorted.length;
  if (since !== undefined && sortColumn === 'last_modified_time') {
    // `since` is a whole second, so `modifiedMs >= since` exactly when the second sorted on is >= since / 1000:
    // the matching rows are one run of the sorted list (a suffix ascending, a prefix descending).
    const cut = firstIndex(sorted, (s) => (sortOrder === 'A' ? s.modifiedMs >= since : s.modifiedMs < since));
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
}

/** `GET /contacts/contactpersons` (organization-wide, or `contact_id=`) and `GET /contacts/{id}/contactpersons`. */
export function listContactPersons(state: OrgState, url: URL, onlyContact?: string) {
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
        created_time: timeText(state.org.time_zone, s.createdMs).date,
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
}
