import { z } from 'zod';
import type { DailyQuota } from './budget.ts';
import type { HttpClient } from './http.ts';
import type { ConnectionSpec } from './spec.ts';

/** The value types a source field can have; criteria compare by these types. */
export const fieldTypeSchema = z.enum(['string', 'email', 'number', 'date', 'boolean']);
export type FieldType = z.infer<typeof fieldTypeSchema>;

export const fieldDescriptorSchema = z.object({
  /** The source's own key (`email`, `billing_address.country`, `cf_industry`). */
  key: z.string().min(1),
  label: z.string().min(1),
  type: fieldTypeSchema,
  /** `list`: every page carries it. `detail`: one extra request per record is needed to get it. */
  availability: z.enum(['list', 'detail']),
  custom: z.boolean().default(false),
});
export type FieldDescriptor = z.infer<typeof fieldDescriptorSchema>;

export const sourceOrganizationSchema = z.object({ id: z.string().min(1), name: z.string() });
export type SourceOrganization = z.infer<typeof sourceOrganizationSchema>;

export const checkResultSchema = z.object({
  /** The account's primary email when the source has one; a change of it is treated like a changed key. */
  primaryEmail: z.string().optional(),
  accountName: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const sourceRecordSchema = z.object({
  /** Stable across runs: the engine uses it for change and deletion detection. */
  sourceId: z.string().min(1),
  /** ISO time of the source's last change, when it has one. */
  modifiedAt: z.string().optional(),
  /** Values by source field key. */
  fields: z.record(z.string(), z.unknown()),
});
export type SourceRecord = z.infer<typeof sourceRecordSchema>;

export type Checkpoint = Record<string, unknown>;

export interface RecordPage {
  records: SourceRecord[];
  /** Where to resume after this page; the engine stores it in the same transaction as the page. */
  checkpoint: Checkpoint;
  /** Records the connector had to skip, with why: every one is accounted for in the run. */
  rejected?: { sourceId?: string; reason: string }[];
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A complete file uploaded to Leadsync (`POST /uploads`), as a connector sees it. */
export interface StoredFile {
  id: string;
  /** The uploader's file name (display only). */
  name: string;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
}

/**
 * The organization's uploaded files, read-only: how a connector reads a file without the database. Reading is
 * streamed (a chunk is fetched when the previous one is consumed), so a file of any size costs the memory of a
 * few chunks.
 */
export interface ConnectorFiles {
  /** A complete file of the connection's organization; undefined for any other id. */
  get(fileId: string): Promise<StoredFile | undefined>;
  /** The file's bytes from byte `start` (default 0) to its end. */
  read(fileId: string, start?: number): AsyncIterable<Uint8Array>;
}

/** What connector code sees: never the database, never the environment. */
export interface ConnectorContext<Creds, Settings> {
  credentials: Creds;
  settings: Settings;
  logger: Logger;
  signal?: AbortSignal;
  /**
   * Hosts that settings may point at (`LEADSYNC_ALLOWED_HOSTS`: `host`, `host:port`, `[IPv6]:port`); check a URL
   * with `isUrlAllowed`.
   */
  allowedHosts: readonly string[];
  /** Uploaded files (for connectors whose spec has a `file-upload` field, see `fileSettingOf`). */
  files?: ConnectorFiles;
  /**
   * The HTTP client, with the request budget of each source account shared by every process (the engine gives
   * one). Unset (a connector used on its own): the connector makes one with a budget of its own.
   */
  http?: HttpClient;
}

/** One setting a person may change after looking at the detected value (`previewSettings`). */
export interface SettingOption {
  key: string;
  label: string;
  /** The value in effect: the given one, or the detected one. */
  value: string;
  /** Whether `value` was detected (true) or given in the settings (false). */
  detected: boolean;
  choices: { value: string; label: string }[];
}

/** What a connector makes of proposed settings before a connection is created: detected options and a sample. */
export interface SettingsPreview {
  /** The settings with every detected option filled in. */
  settings: Record<string, unknown>;
  options: SettingOption[];
  columns: string[];
  /** The first records, as text, by column. */
  rows: string[][];
  /** About how many records a run will read. */
  estimatedRecords?: number;
}

export interface ReadRequest {
  organizationId: string;
  /** Only records created or modified at or after this time. */
  since?: Date;
  /** Resume from a checkpoint of an earlier page of the same run. */
  checkpoint?: Checkpoint;
  /** Source field keys the sync maps or filters on; a connector fetches detail fields only when asked. */
  fields?: readonly string[];
  pageSize?: number;
  /**
   * The sync asks for the records the source calls active only (`capabilities.activeOnlyReads`); otherwise every
   * record, inactive ones included (inactive is not deleted). Unset: the connector's own default.
   */
  activeOnly?: boolean;
}

/** What the last run of the sync learned, so an estimate need not list the source again. */
export interface EstimateRequest extends ReadRequest {
  lastRun?: {
    /** Source records the run read. */
    records: number;
    /** Whether that run read everything (no `since`), or only what changed. */
    full: boolean;
  };
  /** Whether the run would list every id to look for deletions. */
  deletionListing?: boolean;
  /** Source records the sync tracks (what a deletion listing pages through). */
  trackedRecords?: number;
}

export interface ListIdsRequest {
  organizationId: string;
  /** As in `ReadRequest`: the listing a deletion check compares with must read what the sync reads. */
  activeOnly?: boolean;
}

export interface DeletedIdsRequest {
  organizationId: string;
  /** Records deleted at or after this time (the engine passes the start of the last run that knew every deletion). */
  since: Date;
}

export interface CostEstimate {
  records: number;
  /** All requests to the source: list pages, detail requests and any others. */
  requests: number;
  /** Of `requests`, the list pages. */
  listRequests?: number;
  /** Of `requests`, the per-record detail requests (fields a list page does not carry). */
  detailRequests?: number;
  note?: string;
  /** The full listing that looks for deletions, when this run would make one. */
  deletionRequests?: number;
  /** Whether the figures are known (from what the last run learned) or a guess; `unknown`: no figure at all. */
  accuracy?: 'about' | 'unknown';
  /** The account's daily quota as last observed, to put the cost beside it. */
  dailyQuota?: { limit: number; remaining: number; resetAt: string };
}

export interface ConnectorCapabilities {
  /** How far back the source lets a first run reach, in days. */
  maxLookbackDays?: number;
  /** Whether `listIds` gives the complete set of ids, so missing ones can be called deleted. */
  detectsDeletes: boolean;
  /** Ids per request of `listIds`, to tell what a full listing costs. */
  listPageSize?: number;
  /**
   * A full listing costs requests against a rate limit or quota: the engine then looks for deletions at most once
   * per the sync's deletion period (and not when the quota is low) instead of on every run.
   */
  listingCostsRequests?: boolean;
  /**
   * `listDeletedIds` reports the ids deleted at the source since a time (a deletions feed): the engine reads it on
   * every run and makes the full listing (`listIds`) only once per the sync's deletion period, as a fallback for
   * what the feed does not report.
   */
  deletionFeed?: boolean;
  /** `read` and `listIds` can leave out the records the source calls inactive (`ReadRequest.activeOnly`). */
  activeOnlyReads?: boolean;
}

export interface SourceConnector<Creds = unknown, Settings = unknown> {
  id: string;
  displayName: string;
  credentialsSchema: z.ZodType<Creds>;
  settingsSchema: z.ZodType<Settings>;
  capabilities: ConnectorCapabilities;
  /** The credential whose last characters may be shown, masked. */
  maskedKey?(credentials: Creds): string | undefined;
  fields(ctx: ConnectorContext<Creds, Settings>, organizationId?: string): Promise<FieldDescriptor[]>;
  check(ctx: ConnectorContext<Creds, Settings>): Promise<CheckResult>;
  /**
   * The account's current primary email, asked before every run (DESIGN.md §4: a change needs the key entered
   * again); one cheap request. A source without accounts (a file) leaves it out.
   */
  primaryEmail?(ctx: ConnectorContext<Creds, Settings>, organizationId: string): Promise<string | undefined>;
  listOrganizations(ctx: ConnectorContext<Creds, Settings>): Promise<SourceOrganization[]>;
  read(ctx: ConnectorContext<Creds, Settings>, request: ReadRequest): AsyncIterable<RecordPage>;
  listIds?(ctx: ConnectorContext<Creds, Settings>, request: ListIdsRequest): AsyncIterable<string[]>;
  /**
   * With `capabilities.deletionFeed`: the source ids of the organization's records deleted since `request.since`, in
   * chunks (an id may come twice, or be one the sync never read: the engine ignores those).
   */
  listDeletedIds?(
    ctx: ConnectorContext<Creds, Settings>,
    request: DeletedIdsRequest,
  ): AsyncIterable<string[]>;
  estimateCost?(ctx: ConnectorContext<Creds, Settings>, request: EstimateRequest): Promise<CostEstimate>;
  /** The source account's daily quota as last seen (by any process sharing the budget); undefined: unknown. */
  quota?(ctx: ConnectorContext<Creds, Settings>, request: ListIdsRequest): Promise<DailyQuota | undefined>;
  /** The connection form, as data (see `connectionSpec`): the console draws it without knowing the connector. */
  spec?: ConnectionSpec;
  /** Detected options (and a sample) for proposed settings; refuses unusable ones like `check`. */
  previewSettings?(ctx: ConnectorContext<Creds, Settings>): Promise<SettingsPreview>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds connectors of any credential and settings types.
export type AnyConnector = SourceConnector<any, any>;

/** Typed identity: lets a connector package declare itself with full inference. */
export function defineConnector<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
): SourceConnector<Creds, Settings> {
  return connector;
}
