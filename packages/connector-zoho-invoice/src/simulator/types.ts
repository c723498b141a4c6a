import type { FaultTarget } from '@leadsync/zoho-accounts/testing';
import type { GeneratorOptions } from './generator.ts';

export interface SimulatorOrganization {
  organization_id: string;
  name: string;
  /** IANA zone the organization's times are written in (default `America/New_York`). */
  time_zone?: string;
}

export interface ContactPersonInput {
  contact_person_id?: string;
  salutation?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  designation?: string;
  department?: string;
}

export interface AddressInput {
  attention?: string;
  address?: string;
  street2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  phone?: string;
}

/** A contact as given to `addContacts`, in Zoho's own JSON field names. Everything is optional. */
export interface ContactInput {
  contact_id?: string;
  contact_name?: string;
  company_name?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  website?: string;
  status?: 'active' | 'inactive';
  contact_type?: 'customer' | 'vendor';
  customer_sub_type?: 'business' | 'individual';
  billing_address?: AddressInput;
  shipping_address?: AddressInput;
  /** `{ label, value }`; a label seen on a contact becomes one of the organization's contact custom fields. */
  custom_fields?: { label: string; value: string | number | boolean }[];
  /** Further contact persons (the primary person is made from the contact's own names and email). */
  contact_persons?: ContactPersonInput[];
  /** ISO 8601 or Zoho times; default: now. */
  created_time?: string;
  last_modified_time?: string;
}

export interface CustomFieldDefinition {
  customfield_id: string;
  field_id: string;
  label: string;
  api_name: string;
  data_type: 'string' | 'number' | 'date' | 'check_box' | 'email';
  index: number;
  is_active: boolean;
}

export interface CustomFieldValue extends CustomFieldDefinition {
  value: string | number | boolean;
  value_formatted: string;
  placeholder: string;
  search_entity: 'contact';
  show_on_pdf: boolean;
  show_in_portal: boolean;
}

export interface ContactPerson {
  contact_person_id: string;
  salutation: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  mobile: string;
  designation: string;
  department: string;
  is_primary_contact: boolean;
}

export interface Address {
  address_id: string;
  attention: string;
  address: string;
  street2: string;
  city: string;
  state_code: string;
  state: string;
  zip: string;
  country: string;
  county: string;
  country_code: string;
  phone: string;
  fax: string;
  latitude: string;
  longitude: string;
}

/** A contact as the simulator returns it from `addContacts` (and `GET /contacts/{id}`). */
export interface SimulatorContact {
  contact_id: string;
  contact_name: string;
  company_name: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  mobile: string;
  website: string;
  status: 'active' | 'inactive';
  contact_type: 'customer' | 'vendor';
  customer_sub_type: 'business' | 'individual';
  billing_address: Address;
  shipping_address: Address;
  custom_fields: CustomFieldValue[];
  contact_persons: ContactPerson[];
  primary_contact_id: string;
  created_time: string;
  last_modified_time: string;
}

export type SimulatorFault =
  | ({ type: 'status'; status: number } & FaultTarget)
  | ({ type: 'delay'; ms: number } & FaultTarget)
  | ({ type: 'malformedJson' } & FaultTarget)
  | ({ type: 'networkError' } & FaultTarget)
  | ({ type: 'rateLimit'; retryAfterSeconds?: number } & FaultTarget)
  /**
   * A list page that is empty yet says `has_more_page: true` (a broken paging; assumed, not a documented Zoho
   * behaviour): with a large `count`, a source answering endless empty pages.
   */
  | ({ type: 'emptyPage' } & FaultTarget)
  | { type: 'rotateKey'; afterRequests?: number }
  | {
      type: 'deleteContacts';
      organizationId: string;
      contactIds: string[];
      afterRequests?: number;
    }
  | {
      type: 'modifyContacts';
      organizationId: string;
      contactIds: string[];
      patch?: ContactInput;
      afterRequests?: number;
    };

export type { DailyQuotaOptions } from './limits.ts';

import type { DailyQuotaOptions, RateLimitWindow } from './limits.ts';

/** Per organization, whoever sends: see limits.ts for what Zoho documents and what is assumed. */
export type RateLimitOptions = RateLimitWindow;

export interface StartSimulatorOptions {
  /** 0 or unset: a free port. */
  port?: number;
  /** Host to listen on (default `127.0.0.1`). */
  host?: string;
  seed?: number;
  /** Default two. */
  organizations?: SimulatorOrganization[];
  /** Generated contacts per organization; 0 for none (default 250). */
  contactsPerOrganization?: number;
  generator?: GeneratorOptions;
  /**
   * Per-minute limit per organization across all clients, over a sliding window, with 429 (+ Retry-After unless
   * `retryAfter: false`); `false` turns it off. Default 100 a minute.
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * The daily quota in `X-Rate-Limit-*` on every answer (default 1,000, counted, not enforced: the remaining
   * count goes negative, as observed). `enforce` refuses calls past it; `periodMs` scales the day.
   */
  dailyQuota?: DailyQuotaOptions;
  /** Scopes the key was granted (default both the product needs); a missing one: 401 code 57 on its endpoints. */
  scopes?: string[];
  /** What the token answer names as `api_domain` (default: this simulator's own origin). */
  apiDomain?: string;
  /** Access-token lifetime reported as `expires_in` and enforced (default 3600 s). */
  accessTokenLifetimeSeconds?: number;
  /** Zoho lets one refresh token mint 10 access tokens per 10 minutes; `false` turns that limit off. */
  tokenMintLimit?: { limit: number; windowMs: number } | false;
  /**
   * What `GET /contacts` does with `last_modified_time`, which Zoho does not document as a list parameter:
   * `honoured` (true, the default) as an inclusive lower bound, `ignored` (false), or `refused` (400 code 2).
   */
  lastModifiedTimeFilter?: boolean | 'honoured' | 'ignored' | 'refused';
  primaryEmail?: string;
  clientId?: string;
  clientSecret?: string;
}

export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  organizationId?: string;
  status: number;
  at: number;
}

export interface ZohoInvoiceSimulator {
  apiUrl: string;
  accountsUrl: string;
  credentials: SimulatorCredentials;
  primaryEmail: string;
  organizations: SimulatorOrganization[];
  addContacts(organizationId: string, contacts: ContactInput[]): SimulatorContact[];
  updateContact(organizationId: string, contactId: string, patch: ContactInput): SimulatorContact;
  deleteContact(organizationId: string, contactId: string): void;
  rotateKey(): SimulatorCredentials;
  setPrimaryEmail(email: string): void;
  /** The scopes the key has from now on (a missing one: 401 code 57 on its endpoints). */
  setScopes(scopes: string[]): void;
  /** The daily quota starts again now, for one organization or all. */
  resetDailyQuota(organizationId?: string): void;
  /** Calls counted against the organization's daily quota so far. */
  requestsToday(organizationId: string): number;
  injectFault(fault: SimulatorFault): void;
  close(): Promise<void>;
  // Extras for tests and tools.
  /** Every contact of an organization, in the order they were added. */
  contacts(organizationId: string): SimulatorContact[];
  clearFaults(): void;
  /** Every access token issued so far stops working (the refresh token still works). */
  expireAccessTokens(): void;
  /** Every request answered so far (token endpoint included), oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
}
