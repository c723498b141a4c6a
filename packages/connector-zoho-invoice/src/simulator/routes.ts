import type { IncomingMessage, ServerResponse } from 'node:http';
import { organizationsBody, usersBody } from './account-bodies.ts';
import { API_PREFIX, type RequestLog, send, ZohoError } from './http.ts';
import { listContactPersons, listContacts, type ModifiedFilterMode } from './list-contacts.ts';
import type { ContactStore, OrgState } from './store.ts';

/**
 * The API under `/invoice/v3`: authentication, the organization of a call, its scope, the per-organization limits
 * (with the quota headers on every answer), and the routes.
 */

const ORG_HEADER = 'x-com-zoho-invoice-organizationid';

export interface ApiDeps {
  store: ContactStore;
  log: RequestLog;
  /** Throws 401 code 57 unless the call carries a live access token of the current key. */
  authenticate(req: IncomingMessage): void;
  /** The scopes the key was granted (changes with `setScopes`). */
  scopes(): ReadonlySet<string>;
  primaryEmail(): string;
  modifiedFilter: ModifiedFilterMode;
}

function organizationOf(store: ContactStore, req: IncomingMessage, url: URL): OrgState {
  const header = req.headers[ORG_HEADER];
  const id = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('organization_id') ?? '';
  if (!id) throw new ZohoError(400, 6041, 'This user is not associated with the CompanyID/CompanyName:.');
  const state = store.orgs.get(id);
  if (!state)
    throw new ZohoError(400, 6041, `This user is not associated with the CompanyID/CompanyName:${id}.`);
  return state;
}

const limitHeaders = (state: OrgState | undefined): Record<string, string> =>
  state ? state.limits.headers() : {};

/** Answers one API call (a ZohoError becomes Zoho's `{ code, message }` answer). */
export async function handleApi(
  deps: ApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  malformed: boolean,
): Promise<void> {
  const path = url.pathname.slice(API_PREFIX.length) || '/';
  /** A scope the key lacks: Zoho answers HTTP 401 with code 57 (observed for a missing scope). */
  const requireScope = (scope: string) => {
    if (!deps.scopes().has(scope))
      throw new ZohoError(401, 57, 'You are not authorized to perform this operation');
  };
  let state: OrgState | undefined;
  try {
    deps.authenticate(req);
    if (req.method !== 'GET')
      throw new ZohoError(405, 37, 'The HTTP method is not allowed for the requested resource');
    if (path === '/organizations') {
      requireScope('ZohoInvoice.settings.READ');
      deps.log.record(req, url, 200);
      send(res, 200, organizationsBody(deps.store.orgs.values(), deps.primaryEmail()), {}, malformed);
      return;
    }
    state = organizationOf(deps.store, req, url);
    const refusal = state.limits.admit();
    if (refusal) throw new ZohoError(refusal.status, refusal.code, refusal.message, refusal.headers);
    let body: unknown;
    const detail = /^\/contacts\/(\d+)$/.exec(path);
    const personsOfContact = /^\/contacts\/(\d+)\/contactpersons$/.exec(path);
    requireScope(path.startsWith('/contacts') ? 'ZohoInvoice.contacts.READ' : 'ZohoInvoice.settings.READ');
    if (path === '/contacts') body = listContacts(state, url, deps.modifiedFilter);
    else if (path === '/contacts/contactpersons') body = listContactPersons(state, url);
    else if (personsOfContact?.[1]) body = listContactPersons(state, url, personsOfContact[1]);
    else if (detail?.[1]) {
      const stored = state.contacts.get(detail[1]);
      if (!stored) throw new ZohoError(404, 1002, 'Contact does not exist.');
      body = { code: 0, message: 'success', contact: deps.store.view(state, stored) };
    } else if (path === '/users') body = usersBody(deps.primaryEmail());
    else if (path === '/settings/customfields' && url.searchParams.get('entity') === 'contact')
      body = { code: 0, message: 'success', customfields: [...state.customFields.values()] };
    else throw new ZohoError(404, 5, 'Invalid URL Passed');
    const headers = limitHeaders(state);
    deps.log.record(req, url, 200, state.org.organization_id);
    send(res, 200, body, headers, malformed);
  } catch (error) {
    if (!(error instanceof ZohoError)) throw error;
    deps.log.record(req, url, error.status, state?.org.organization_id);
    send(
      res,
      error.status,
      { code: error.code, message: error.message },
      { ...limitHeaders(state), ...error.headers },
    );
  }
}
