import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './faults.ts';
import { API_PREFIX, RequestLog, send, TOKEN_PATH } from './http.ts';
import { modifiedFilterMode } from './list-contacts.ts';
import { OAuthServer } from './oauth.ts';
import { SeededRandom } from './random.ts';
import { handleApi } from './routes.ts';
import { ContactStore } from './store.ts';
import type { SimulatorOrganization, StartSimulatorOptions, ZohoInvoiceSimulator } from './types.ts';

/**
 * A local Zoho Invoice API (and accounts server) over real HTTP, answering as the facts in the package README say
 * Zoho does. One server: the accounts server at `/oauth/v2/token` (`oauth.ts`), the API under `/invoice/v3`
 * (`routes.ts`, `list-contacts.ts`), over the data in `store.ts`, with the limits of `limits.ts` and the injected
 * faults of `faults.ts`. This file wires them and hands out the test controls.
 */

/** Observed in `X-Rate-Limit-Limit` on real Zoho Invoice answers (free plan). */
const DAILY_LIMIT = 1000;
/** The scopes the product needs; a simulator started without one of them answers as Zoho does (401, code 57). */
const ALL_SCOPES = ['ZohoInvoice.contacts.READ', 'ZohoInvoice.settings.READ'];

const DEFAULT_ORGANIZATIONS: SimulatorOrganization[] = [
  { organization_id: '60012345678', name: 'Northwind Trading Co.', time_zone: 'America/New_York' },
  { organization_id: '60012345679', name: 'Bluebird Studios', time_zone: 'Asia/Kolkata' },
];

export async function startZohoInvoiceSimulator(
  options: StartSimulatorOptions = {},
): Promise<ZohoInvoiceSimulator> {
  const seed = options.seed ?? 1;
  const rateLimit = options.rateLimit === undefined ? { limit: 100, windowMs: 60_000 } : options.rateLimit;
  const host = options.host ?? '127.0.0.1';
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  let origin = '';
  let scopes = new Set(options.scopes ?? ALL_SCOPES);
  let primaryEmail = options.primaryEmail ?? 'ava.thompson@northwind-trading.example.com';

  const log = new RequestLog();
  const oauth = new OAuthServer(new SeededRandom(seed), options, () => options.apiDomain ?? origin, log);
  const store = new ContactStore(
    options.organizations ?? DEFAULT_ORGANIZATIONS,
    rateLimit,
    options.dailyQuota ?? { limit: DAILY_LIMIT },
    Date.now(),
  );
  store.seed(seed, options.contactsPerOrganization ?? 250, options.generator);
  const faults = new FaultInjector(
    {
      rotateKey: () => oauth.rotateKey(),
      deleteContact: (organizationId, contactId) => store.delete(organizationId, contactId),
      updateContact: (organizationId, contactId, patch) => store.update(organizationId, contactId, patch),
    },
    log,
  );
  const api = {
    store,
    log,
    authenticate: (req: IncomingMessage) => oauth.authenticate(req),
    scopes: () => scopes,
    primaryEmail: () => primaryEmail,
    modifiedFilter: modifiedFilterMode(options.lastModifiedTimeFilter),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const isApi = url.pathname.startsWith(`${API_PREFIX}/`);
    const path = url.pathname.slice(isApi ? API_PREFIX.length : 0);
    const { answered, malformed } = await faults.apply(req, res, url, path, isApi);
    if (answered) return;
    if (url.pathname === TOKEN_PATH && req.method === 'POST')
      return oauth.handleToken(req, res, url, malformed);
    if (isApi) return handleApi(api, req, res, url, malformed);
    log.record(req, url, 404);
    send(res, 404, { code: 5, message: 'Invalid URL Passed' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { code: 1000, message: 'Internal error' });
      else res.destroy();
      console.error('zoho-invoice simulator:', error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${hostForUrl}:${port}`;

  return {
    apiUrl: `${origin}${API_PREFIX}`,
    accountsUrl: origin,
    get credentials() {
      return oauth.credentials;
    },
    get primaryEmail() {
      return primaryEmail;
    },
    organizations: [...store.orgs.values()].map((s) => ({ ...s.org })),
    addContacts: (organizationId, inputs) => store.add(organizationId, inputs),
    updateContact: (organizationId, contactId, patch) => store.update(organizationId, contactId, patch),
    deleteContact: (organizationId, contactId) => store.delete(organizationId, contactId),
    rotateKey: () => oauth.rotateKey(),
    setPrimaryEmail(email) {
      primaryEmail = email;
    },
    setScopes(granted) {
      scopes = new Set(granted);
    },
    resetDailyQuota(organizationId) {
      for (const state of store.orgs.values())
        if (!organizationId || state.org.organization_id === organizationId) state.limits.resetDay();
    },
    requestsToday(organizationId) {
      return store.get(organizationId).limits.usedToday;
    },
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    contacts: (organizationId) => store.contacts(organizationId),
    get requests() {
      return log.requests;
    },
    clearRequests: () => log.clear(),
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
