import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Answer,
  CrmApiError,
  countRecords,
  currentUser,
  listDeleted,
  listFields,
  listRecords,
} from './api.ts';
import { KeyRing, scopeFor } from './auth.ts';
import { generateRecords } from './generator.ts';
import { OrganizationLimits } from './limits.ts';
import { ModuleStore } from './store.ts';
import type {
  CrmModuleName,
  RecordedRequest,
  SimulatorFault,
  StartZohoCrmSimulatorOptions,
  ZohoCrmSimulator,
} from './types.ts';

const API_PREFIX = '/crm/v8';
const TOKEN_PATH = '/oauth/v2/token';
const MAX_RECORDED = 20_000;
const MODULES: CrmModuleName[] = ['Leads', 'Contacts'];

interface ActiveFault {
  fault: SimulatorFault;
  startAfter: number;
  remaining: number;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers }).end(text);
}

function errorJson(error: CrmApiError): Record<string, unknown> {
  return { code: error.code, details: error.details, message: error.message, status: 'error' };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) break;
  }
  return text;
}

/**
 * A local Zoho CRM (v8) for tests, the sandbox and benches: the token endpoint, records with fields, sorting,
 * If-Modified-Since, page numbers and page tokens, the deleted-records feed, field metadata, the current user, API
 * credits and concurrency, scopes, and faults. It answers as the package README says Zoho does (sources there).
 */
export async function startZohoCrmSimulator(
  options: StartZohoCrmSimulatorOptions = {},
): Promise<ZohoCrmSimulator> {
  const offset = options.utcOffset ?? '+05:30';
  const seed = options.seed ?? 1;
  const stores = new Map(MODULES.map((m) => [m, new ModuleStore(m, offset)] as const));
  const disabled = new Set(options.disabledModules ?? []);
  const limits = new OrganizationLimits(options.credits ?? false, options.concurrency ?? 5);
  const keys = new KeyRing(options.scopes, (options.tokenLifetimeSeconds ?? 3600) * 1000);
  let primaryEmail = options.primaryEmail ?? 'patricia.boyle@zylker.com';
  const recorded: RecordedRequest[] = [];
  let faults: ActiveFault[] = [];
  let apiCalls = 0;

  for (const module of MODULES) {
    const per = options.recordsPerModule;
    const count = typeof per === 'number' ? per : (per?.[module] ?? 100);
    const store = stores.get(module) as ModuleStore;
    for (const input of generateRecords(module, count, seed, options.generator)) store.add(input);
  }

  /** Applies state faults that are due; returns the response faults for this call. */
  const dueFaults = (path: string, isApi: boolean): SimulatorFault[] => {
    const due: SimulatorFault[] = [];
    // API calls answered before this one (this one is counted already): armed once `afterRequests` have gone by.
    const before = isApi ? apiCalls - 1 : apiCalls;
    for (const active of faults) {
      if (active.remaining <= 0 || before < active.startAfter) continue;
      const f = active.fault;
      if (f.type === 'rotateKey' || f.type === 'expireTokens' || f.type === 'expirePageTokens') {
        active.remaining = 0;
        if (f.type === 'rotateKey') keys.rotate();
        else if (f.type === 'expireTokens') keys.expireAccessTokens();
        else for (const store of stores.values()) store.expireTokens(Date.now());
        continue;
      }
      const target = f.path ?? (isApi ? '' : undefined);
      if (target === undefined || !path.startsWith(target) || (!isApi && f.path === undefined)) continue;
      active.remaining--;
      due.push(f);
    }
    faults = faults.filter((a) => a.remaining > 0);
    return due;
  };

  const record = (req: IncomingMessage, url: URL, path: string, status: number) => {
    if (recorded.length >= MAX_RECORDED) recorded.shift();
    const ims = req.headers['if-modified-since'];
    recorded.push({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      ...(typeof ims === 'string' ? { ifModifiedSince: ims } : {}),
      status,
    });
  };

  const route = (path: string, url: URL, ims: string | undefined, scopes: readonly string[]): Answer => {
    const needed = scopeFor(path, url.searchParams);
    if (needed && !needed.some((s) => scopes.includes(s)))
      throw new CrmApiError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL');
    if (path === '/users') return currentUser(primaryEmail);
    const moduleName = path === '/settings/fields' ? url.searchParams.get('module') : path.split('/')[1];
    if (path === '/settings/fields' && !moduleName)
      throw new CrmApiError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'module',
      });
    const store = stores.get(moduleName as CrmModuleName);
    if (!store || disabled.has(store.module))
      throw new CrmApiError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', {
        resource_path_index: 0,
      });
    const rest = path === '/settings/fields' ? 'fields' : path.slice(store.module.length + 1);
    if (rest === 'fields') return listFields(store);
    if (rest === '') {
      return listRecords(store, url.searchParams, ims, {
        pageTokens: options.pageTokens ?? true,
        maxTokenRecords: options.maxTokenRecords ?? 100_000,
        offset,
        now: Date.now(),
      });
    }
    if (rest === '/deleted') return listDeleted(store, url.searchParams, ims);
    if (rest === '/actions/count') return countRecords(store);
    throw new CrmApiError(
      404,
      'INVALID_URL_PATTERN',
      'Please check if the URL trying to access is a correct one',
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isApi = url.pathname.startsWith(API_PREFIX);
    const path = isApi ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    if (isApi) apiCalls++;
    let malformed = false;
    for (const fault of dueFaults(path, isApi)) {
      if (fault.type === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      else if (fault.type === 'malformedJson') malformed = true;
      else if (fault.type === 'networkError') {
        record(req, url, path, 0);
        req.socket.destroy();
        return;
      } else if (fault.type === 'status') {
        record(req, url, path, fault.status);
        const code =
          fault.status >= 500 ? 'INTERNAL_ERROR' : fault.status === 401 ? 'INVALID_TOKEN' : 'INVALID_DATA';
        sendJson(res, fault.status, errorJson(new CrmApiError(fault.status, code, 'Internal Server Error')));
        return;
      } else if (fault.type === 'rateLimit') {
        record(req, url, path, 429);
        const body = {
          code: 'TOO_MANY_REQUESTS',
          details: {},
          message: 'too many requests',
          status: 'error',
        };
        sendJson(
          res,
          429,
          body,
          fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) },
        );
        return;
      }
    }
    if (!isApi) {
      if (url.pathname !== TOKEN_PATH || req.method !== 'POST') {
        sendJson(res, 404, { error: 'not found' });
        return;
      }
      const answer = keys.exchange(new URLSearchParams(await readBody(req)), `http://${req.headers.host}`);
      record(req, url, path, 200);
      sendJson(res, 200, malformed ? '{"access_token": "…' : answer);
      return;
    }
    const scopes = keys.scopesOf(req.headers.authorization);
    if (!scopes) {
      record(req, url, path, 401);
      sendJson(res, 401, errorJson(new CrmApiError(401, 'INVALID_TOKEN', 'invalid oauth token')));
      return;
    }
    const refusal = limits.admit();
    if (refusal) {
      record(req, url, path, refusal.status);
      sendJson(res, refusal.status, refusal.body, limits.headers());
      return;
    }
    limits.inFlight++;
    try {
      const ims = req.headers['if-modified-since'];
      const answer = route(path, url, typeof ims === 'string' ? ims : undefined, scopes);
      record(req, url, path, answer.status);
      sendJson(res, answer.status, malformed ? '{"data": [' : answer.body, limits.headers());
    } catch (error) {
      if (!(error instanceof CrmApiError)) throw error;
      record(req, url, path, error.status);
      sendJson(res, error.status, errorJson(error), limits.headers());
    } finally {
      limits.inFlight--;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        sendJson(res, 500, {
          code: 'INTERNAL_ERROR',
          details: {},
          message: 'Internal Server Error',
          status: 'error',
        });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const storeOf = (module: CrmModuleName) => stores.get(module) as ModuleStore;

  return {
    apiUrl: `${origin}${API_PREFIX}`,
    accountsUrl: origin,
    apiDomain: origin,
    get credentials() {
      return keys.credentials;
    },
    get primaryEmail() {
      return primaryEmail;
    },
    records: (module) =>
      storeOf(module)
        .byModified()
        .map((r) => storeOf(module).json(r)),
    fields: (module) => storeOf(module).fields.map((f) => ({ ...f })),
    addRecords: (module, inputs) => inputs.map((input) => storeOf(module).json(storeOf(module).add(input))),
    updateRecord: (module, id, patch) => storeOf(module).json(storeOf(module).update(id, patch)),
    deleteRecord: (module, id, type = 'recycle') => storeOf(module).delete(id, type),
    forgetDeletions: (module) => {
      storeOf(module).deleted.length = 0;
    },
    addField: (module, field) => void storeOf(module).fields.push({ ...field }),
    rotateKey: () => keys.rotate(),
    setPrimaryEmail(email) {
      primaryEmail = email;
    },
    setScopes: (scopes) => keys.setScopes(scopes),
    injectFault(fault) {
      const count = 'count' in fault && fault.count !== undefined ? fault.count : 1;
      faults.push({ fault, startAfter: apiCalls + (fault.afterRequests ?? 0), remaining: count });
    },
    clearFaults() {
      faults = [];
    },
    requests: () => recorded.map((r) => ({ ...r, query: { ...r.query } })),
    creditsUsed: () => limits.total,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
