import { randomBytes } from 'node:crypto';
import { defaultFields } from './fields.ts';
import type { CrmFieldValue, CrmModuleName, FieldDefinition, RecordInput, SimulatorRecord } from './types.ts';

export interface StoredRecord {
  id: string;
  values: Map<string, CrmFieldValue>;
  createdMs: number;
  modifiedMs: number;
}

export interface DeletedEntry {
  id: string;
  displayName: string | null;
  type: 'recycle' | 'permanent';
  deletedMs: number;
}

/** Where a chain of page tokens stands: after (modifiedMs, id) of the last record served (README, R3: ASSUMED). */
export interface PageTokenState {
  module: CrmModuleName;
  query: string;
  afterMs: number;
  afterId: string;
  served: number;
  page: number;
  expiresAt: number;
}

/** Zoho record ids: 19 digits, increasing (the sample record's `4150868000000002175`). */
let nextId = 4_150_868_000_001_000_000n;

function parseTime(value: unknown, fallback: number): number {
  if (typeof value !== 'string') return fallback;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? fallback : Math.floor(ms / 1000) * 1000;
}

/** Writes `ms` in a fixed UTC offset (`+05:30`), as Zoho CRM writes times: `2019-07-25T15:26:49+05:30`. */
export function formatTime(ms: number, offset: string): string {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, m] = offset.slice(1).split(':').map(Number) as [number, number];
  const shifted = new Date(ms + sign * (h * 60 + m) * 60_000);
  return `${shifted.toISOString().slice(0, 19)}${offset}`;
}

/** One module of the simulated account: its records, field metadata, deletions and issued page tokens. */
export class ModuleStore {
  readonly records = new Map<string, StoredRecord>();
  readonly fields: FieldDefinition[];
  readonly deleted: DeletedEntry[] = [];
  private sorted: StoredRecord[] | undefined;
  private readonly tokens = new Map<string, PageTokenState>();

  constructor(
    readonly module: CrmModuleName,
    private readonly offset: string,
  ) {
    this.fields = defaultFields(module);
  }

  add(input: RecordInput, now = Date.now()): StoredRecord {
    const { id, Created_Time, Modified_Time, ...values } = input;
    const modifiedMs = parseTime(Modified_Time, Math.floor(now / 1000) * 1000);
    const record: StoredRecord = {
      id: id ?? String(nextId++),
      values: new Map(),
      createdMs: parseTime(Created_Time, modifiedMs),
      modifiedMs,
    };
    for (const [key, value] of Object.entries(values)) if (value !== undefined) record.values.set(key, value);
    this.records.set(record.id, record);
    this.sorted = undefined;
    return record;
  }

  update(id: string, patch: RecordInput, now = Date.now()): StoredRecord {
    const record = this.records.get(id);
    if (!record) throw new Error(`no ${this.module} record ${id}`);
    const { Modified_Time, Created_Time: _created, id: _id, ...values } = patch;
    for (const [key, value] of Object.entries(values)) if (value !== undefined) record.values.set(key, value);
    record.modifiedMs = parseTime(Modified_Time, Math.floor(now / 1000) * 1000);
    this.sorted = undefined;
    return record;
  }

  delete(id: string, type: 'recycle' | 'permanent', now = Date.now()): void {
    const record = this.records.get(id);
    if (!record) throw new Error(`no ${this.module} record ${id}`);
    this.records.delete(id);
    const name = record.values.get('Full_Name');
    this.deleted.push({ id, displayName: typeof name === 'string' ? name : null, type, deletedMs: now });
    this.sorted = undefined;
  }

  /** Records by (Modified_Time, id), oldest first: the order of `sort_by=Modified_Time&sort_order=asc`. */
  byModified(): StoredRecord[] {
    this.sorted ??= [...this.records.values()].sort((a, b) =>
      a.modifiedMs !== b.modifiedMs ? a.modifiedMs - b.modifiedMs : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    return this.sorted;
  }

  issueToken(state: PageTokenState): string {
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, state);
    if (this.tokens.size > 10_000) this.tokens.delete(this.tokens.keys().next().value as string);
    return token;
  }

  token(token: string): PageTokenState | undefined {
    return this.tokens.get(token);
  }

  expireTokens(now: number): void {
    for (const state of this.tokens.values()) state.expiresAt = Math.min(state.expiresAt, now - 1);
  }

  /** The record as the API writes it: `id`, the asked fields (null when unset), times in the account's offset. */
  json(record: StoredRecord, fields?: readonly string[]): SimulatorRecord {
    const out: SimulatorRecord = {
      id: record.id,
      Created_Time: formatTime(record.createdMs, this.offset),
      Modified_Time: formatTime(record.modifiedMs, this.offset),
    };
    for (const key of fields ?? [...record.values.keys()]) {
      if (key === 'id' || key === 'Created_Time' || key === 'Modified_Time') continue;
      out[key] = record.values.get(key) ?? null;
    }
    if (fields && !fields.includes('Created_Time')) delete (out as Partial<SimulatorRecord>).Created_Time;
    if (fields && !fields.includes('Modified_Time')) delete (out as Partial<SimulatorRecord>).Modified_Time;
    return out;
  }

  deletedJson(entry: DeletedEntry): Record<string, unknown> {
    const user = { name: 'Patricia Boyle', id: '4150868000000225013' };
    return {
      id: entry.id,
      display_name: entry.displayName,
      type: entry.type,
      deleted_time: formatTime(entry.deletedMs, this.offset),
      deleted_by: user,
      created_by: user,
    };
  }
}
