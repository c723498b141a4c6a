import type { FaultTarget } from '@leadsync/zoho-accounts/testing';
import type { EmailMix } from './generator.ts';

export type CrmModuleName = 'Leads' | 'Contacts';

/** A lookup or an owner as Zoho CRM writes it in a record. */
export interface CrmLookup {
  name: string;
  id: string;
  email?: string;
}

/** A value of a record field, as Zoho CRM writes it (a multi-select picklist is an array of texts). */
export type CrmFieldValue = string | number | boolean | null | string[] | CrmLookup | CrmLookup[];

/** A record as given to `addRecords`: field API names to values; every field is optional. */
export interface RecordInput {
  id?: string;
  /** ISO 8601 times; default: now. */
  Created_Time?: string;
  Modified_Time?: string;
  [apiName: string]: CrmFieldValue | undefined;
}

/** A record as the simulator holds and returns it (times in the organization's offset). */
export interface SimulatorRecord {
  id: string;
  Created_Time: string;
  Modified_Time: string;
  [apiName: string]: CrmFieldValue;
}

/** A field of a module's metadata (`GET /settings/fields`), in Zoho's own names; only what the simulator needs. */
export interface FieldDefinition {
  api_name: string;
  field_label: string;
  /** Zoho's `data_type`: text, email, phone, website, picklist, multiselectpicklist, lookup, ownerlookup, … */
  data_type: string;
  custom_field?: boolean;
  /** Picklist values (display values). */
  values?: string[];
  /** The module a lookup points at. */
  lookupModule?: string;
}

export type SimulatorFault =
  /** An error status with Zoho's body for it (5xx: INTERNAL_ERROR). */
  | ({ type: 'status'; status: number } & FaultTarget)
  /** HTTP 429 TOO_MANY_REQUESTS, with `Retry-After` when given (ASSUMED: no source shows one). */
  | ({ type: 'rateLimit'; retryAfterSeconds?: number } & FaultTarget)
  | ({ type: 'malformedJson' } & FaultTarget)
  | ({ type: 'networkError' } & FaultTarget)
  | ({ type: 'delay'; ms: number } & FaultTarget)
  /** Every access token issued so far expires (as an hour going by would do). */
  | { type: 'expireTokens'; afterRequests?: number }
  /** The refresh token is revoked (and the access tokens issued from it): as a person revoking the key. */
  | { type: 'rotateKey'; afterRequests?: number }
  /** Every page token issued so far expires (EXPIRED_VALUE). */
  | { type: 'expirePageTokens'; afterRequests?: number };

export interface RecordedRequest {
  method: string;
  /** Path after `/crm/v8` (or the token endpoint's). */
  path: string;
  query: Record<string, string>;
  ifModifiedSince?: string;
  status: number;
}

export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * The organization's daily API credits (README, L1): a rolling 24-hour window (or `periodMs` for a scaled clock),
 * one credit per call, reported in `X-RATELIMIT-*` headers (ASSUMED names). With `enforce`, a call past the limit
 * gets HTTP 429 (ASSUMED body).
 */
export interface CreditOptions {
  limit: number;
  enforce?: boolean;
  periodMs?: number;
}

export interface StartZohoCrmSimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Generated records per module (default 100 each; 0 for none). */
  recordsPerModule?: number | Partial<Record<CrmModuleName, number>>;
  generator?: { emailMix?: Partial<EmailMix>; spreadDays?: number };
  /** Scopes of the keys issued (default: every scope the connector needs). */
  scopes?: readonly string[];
  /** Modules this account does not have (INVALID_MODULE). */
  disabledModules?: readonly CrmModuleName[];
  /** The organization's UTC offset, as times are written (default `+05:30`). */
  utcOffset?: string;
  credits?: CreditOptions | false;
  /** Requests in flight at once before HTTP 429 (Free edition: 5). Default 5; false: no limit. */
  concurrency?: number | false;
  /** Answer `next_page_token` on every page with more records (default true); false: page numbers only. */
  pageTokens?: boolean;
  /** Records one chain of page tokens may walk (Zoho: 100,000) before PAGINATION_LIMIT_EXCEEDED. */
  maxTokenRecords?: number;
  /** Access token lifetime (default 3600 s). */
  tokenLifetimeSeconds?: number;
  primaryEmail?: string;
}

export interface ZohoCrmSimulator {
  /** `http://host:port/crm/v8`: the connection's `apiUrl`. */
  apiUrl: string;
  accountsUrl: string;
  /** The token answer's `api_domain` (the simulator's own origin). */
  apiDomain: string;
  credentials: SimulatorCredentials;
  primaryEmail: string;
  records(module: CrmModuleName): SimulatorRecord[];
  fields(module: CrmModuleName): FieldDefinition[];
  addRecords(module: CrmModuleName, records: RecordInput[]): SimulatorRecord[];
  updateRecord(module: CrmModuleName, id: string, patch: RecordInput): SimulatorRecord;
  deleteRecord(module: CrmModuleName, id: string, type?: 'recycle' | 'permanent'): void;
  /** The deleted-records feed forgets every deletion so far (past Zoho's retention): only a full listing finds them. */
  forgetDeletions(module: CrmModuleName): void;
  addField(module: CrmModuleName, field: FieldDefinition): void;
  /** A new refresh token; the old one and every access token issued from it are refused from then on. */
  rotateKey(): SimulatorCredentials;
  setPrimaryEmail(email: string): void;
  /** Scopes of keys issued from now on (and of the current ones). */
  setScopes(scopes: readonly string[]): void;
  injectFault(fault: SimulatorFault): void;
  clearFaults(): void;
  requests(): RecordedRequest[];
  /** API calls counted against the credits so far. */
  creditsUsed(): number;
  close(): Promise<void>;
}
