// The one contract every connector passes (describeConnectorContract), itself tested against broken connectors in
// contract.test.ts. Over 300 lines: one rule after another, each a short test of the connector API with its message;
// a rule split from the others would lose the fixture and the context they share.
import { isDeepStrictEqual } from 'node:util';
import {
  type Checkpoint,
  type ConnectorContext,
  checkResultSchema,
  type FieldDescriptor,
  fieldDescriptorSchema,
  type ReadRequest,
  type SourceConnector,
  type SourceRecord,
  sourceOrganizationSchema,
  sourceRecordSchema,
} from '../connector.ts';
import { ConnectorError, type ConnectorErrorCode } from '../errors.ts';
import { connectionSpecSchema } from '../spec.ts';

/**
 * The shared connector contract, as plain async functions. Each check throws a `ContractViolation` that names
 * the rule and what was seen; `describeConnectorContract` wraps them in vitest tests, and the checks are
 * unit-tested against deliberately broken connectors so the suite is known to fail when it should.
 */
export class ContractViolation extends Error {
  constructor(
    readonly rule: string,
    readonly detail: string,
  ) {
    super(`${rule}: ${detail}`);
    this.name = 'ContractViolation';
  }
}

/** A working connection at the source, set up by the connector package (a simulator, a fixture file). */
export interface ContractFixture<Creds, Settings> {
  ctx: ConnectorContext<Creds, Settings>;
  /** The source organization the records are read from; `listOrganizations` must include it. */
  organizationId: string;
  /** When known, a full read must yield exactly this many records. */
  expectedRecordCount?: number;
  /** When known, a full read must yield exactly these source ids. */
  expectedRecordIds?: readonly string[];
  /** Ids of records deleted at the source: a connector with `deletionFeed` must report them (since the epoch). */
  expectedDeletedIds?: readonly string[];
  cleanup?: () => Promise<void> | void;
}

/** A connection that must be refused with a typed error (a rotated key, settings that are not valid). */
export interface BadContractFixture<Creds, Settings> {
  ctx: ConnectorContext<Creds, Settings>;
  organizationId: string;
  /** Default: `invalid_credentials` or `invalid_configuration`. */
  expectedCodes?: readonly ConnectorErrorCode[];
  cleanup?: () => Promise<void> | void;
}

export interface BadContextCase<Creds, Settings> {
  name: string;
  make: () => Promise<BadContractFixture<Creds, Settings>> | BadContractFixture<Creds, Settings>;
}

export interface ContractOptions {
  /** Passed to every `read`; pick it so the fixture spans several pages. */
  pageSize?: number;
  /** The key of the field typed `email` that `fields` must describe; `null`: any field typed `email` will do. */
  emailFieldKey?: string | null;
  /** Every key of every record's `fields` must be one of `fields()`'s keys (else mappings cannot address it). */
  requireDescribedRecordFields?: boolean;
  /** The full read must span at least this many pages, so resumption is really exercised. Default 2. */
  minPages?: number;
  /** At most this many checkpoints are resumed from (evenly spread, always the first and the last). Default 8. */
  maxResumePoints?: number;
  /** A read yielding more pages than this is taken as never ending. Default 100,000. */
  maxPages?: number;
}

export interface ObservedPage {
  records: SourceRecord[];
  rejected: { sourceId?: string; reason: string }[];
  /** The checkpoint as JSON, taken when the page was yielded. */
  checkpointJson: string;
}

export interface FullRead {
  pages: ObservedPage[];
  records: SourceRecord[];
  ids: Set<string>;
}

const DEFAULT_BAD_CODES: readonly ConnectorErrorCode[] = ['invalid_credentials', 'invalid_configuration'];

function describeValue(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}

function zodProblem(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON drops `undefined` properties; that loses nothing, so compare without them. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = withoutUndefined(v);
    return out;
  }
  return value;
}

function serializeCheckpoint(checkpoint: unknown, where: string): string {
  const rule = 'checkpoints are JSON';
  if (!isPlainObject(checkpoint)) {
    throw new ContractViolation(
      rule,
      `${where}: the checkpoint is not a plain object: ${describeValue(checkpoint)}`,
    );
  }
  let json: string;
  try {
    json = JSON.stringify(checkpoint);
  } catch (error) {
    throw new ContractViolation(rule, `${where}: the checkpoint cannot be serialised: ${String(error)}`);
  }
  const back: unknown = JSON.parse(json);
  if (!isDeepStrictEqual(back, withoutUndefined(checkpoint))) {
    throw new ContractViolation(
      rule,
      `${where}: the checkpoint does not survive a JSON round trip (a Date, Map, class instance, NaN…?): ` +
        `${describeValue(checkpoint)} became ${json}`,
    );
  }
  return json;
}

function asyncIterableOf<T>(value: unknown, method: string): AsyncIterable<T> {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as AsyncIterable<T>)[Symbol.asyncIterator] !== 'function'
  ) {
    throw new ContractViolation(`${method} is an async iterable`, `got ${describeValue(value)}`);
  }
  return value as AsyncIterable<T>;
}

/** Reads every page of one request, checking each page's shape as it arrives. */
export async function collectPages<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  ctx: ConnectorContext<Creds, Settings>,
  request: ReadRequest,
  options: ContractOptions = {},
): Promise<ObservedPage[]> {
  const maxPages = options.maxPages ?? 100_000;
  const pages: ObservedPage[] = [];
  const yielded: { checkpoint: Checkpoint; json: string }[] = [];
  for await (const page of asyncIterableOf<unknown>(connector.read(ctx, request), 'read')) {
    const where = `page ${pages.length + 1}`;
    if (!isPlainObject(page) || !Array.isArray(page.records)) {
      throw new ContractViolation(
        'read yields pages',
        `${where} is not { records: [...] }: ${describeValue(page)}`,
      );
    }
    const records: SourceRecord[] = [];
    page.records.forEach((record: unknown, index: number) => {
      const parsed = sourceRecordSchema.safeParse(record);
      if (!parsed.success) {
        throw new ContractViolation(
          'records parse with sourceRecordSchema',
          `${where}, record ${index + 1}: ${zodProblem(parsed.error)} in ${describeValue(record)}`,
        );
      }
      // The engine keeps source values as JSON (run records, lead fields): a Date, BigInt or Map would change.
      let json: string | undefined;
      try {
        json = JSON.stringify(parsed.data);
      } catch {
        json = undefined;
      }
      if (json === undefined || !isDeepStrictEqual(JSON.parse(json), withoutUndefined(parsed.data))) {
        throw new ContractViolation(
          'records are JSON',
          `${where}, record ${index + 1} ("${parsed.data.sourceId}") does not survive a JSON round trip ` +
            '(a Date, BigInt, Map, class instance, NaN…?)',
        );
      }
      records.push(parsed.data);
    });
    const rejected: ObservedPage['rejected'] = [];
    if (page.rejected !== undefined) {
      if (!Array.isArray(page.rejected)) {
        throw new ContractViolation('rejected records are listed', `${where}: rejected is not an array`);
      }
      for (const entry of page.rejected as unknown[]) {
        if (
          !isPlainObject(entry) ||
          typeof entry.reason !== 'string' ||
          entry.reason.trim() === '' ||
          (entry.sourceId !== undefined && typeof entry.sourceId !== 'string')
        ) {
          throw new ContractViolation(
            'rejected records are listed',
            `${where}: a rejected entry needs a reason (and a string sourceId, if any): ${describeValue(entry)}`,
          );
        }
        rejected.push({
          reason: entry.reason,
          ...(entry.sourceId === undefined ? {} : { sourceId: entry.sourceId }),
        });
      }
    }
    const checkpointJson = serializeCheckpoint(page.checkpoint, where);
    yielded.push({ checkpoint: page.checkpoint as Checkpoint, json: checkpointJson });
    pages.push({ records, rejected, checkpointJson });
    if (pages.length > maxPages) {
      throw new ContractViolation('read ends', `more than ${maxPages} pages: the read does not seem to end`);
    }
  }
  // The engine may store a checkpoint only after the page is written: one yielded earlier must not change later.
  yielded.forEach(({ checkpoint, json }, index) => {
    const now = JSON.stringify(checkpoint);
    if (now !== json) {
      throw new ContractViolation(
        'checkpoints are JSON',
        `the checkpoint of page ${index + 1} was changed after it was yielded: ${json} became ${now}`,
      );
    }
  });
  return pages;
}

function readRequest(organizationId: string, options: ContractOptions, checkpoint?: Checkpoint): ReadRequest {
  return {
    organizationId,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(checkpoint === undefined ? {} : { checkpoint }),
  };
}

export function checkDefinition<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
): void {
  const rule = 'the definition is well-formed';
  if (typeof connector.id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(connector.id)) {
    throw new ContractViolation(rule, `id must be lower-case kebab case, got ${describeValue(connector.id)}`);
  }
  if (typeof connector.displayName !== 'string' || connector.displayName.trim() === '') {
    throw new ContractViolation(rule, 'displayName is empty');
  }
  for (const method of ['fields', 'check', 'listOrganizations', 'read'] as const) {
    if (typeof connector[method] !== 'function')
      throw new ContractViolation(rule, `${method} is not a function`);
  }
  const caps: unknown = connector.capabilities;
  if (!isPlainObject(caps) || typeof caps.detectsDeletes !== 'boolean') {
    throw new ContractViolation(rule, 'capabilities.detectsDeletes must be a boolean');
  }
  const lookback = caps.maxLookbackDays;
  if (
    lookback !== undefined &&
    !(typeof lookback === 'number' && Number.isInteger(lookback) && lookback > 0)
  ) {
    throw new ContractViolation(
      rule,
      `capabilities.maxLookbackDays must be a positive integer, got ${lookback}`,
    );
  }
  if (caps.detectsDeletes && typeof connector.listIds !== 'function') {
    throw new ContractViolation(rule, 'detectsDeletes is true but there is no listIds');
  }
  if (caps.deletionFeed === true && typeof connector.listDeletedIds !== 'function') {
    throw new ContractViolation(rule, 'deletionFeed is true but there is no listDeletedIds');
  }
  for (const [name, schema, value] of [
    ['credentialsSchema', connector.credentialsSchema, fixture.ctx.credentials],
    ['settingsSchema', connector.settingsSchema, fixture.ctx.settings],
  ] as const) {
    if (typeof schema?.safeParse !== 'function')
      throw new ContractViolation(rule, `${name} is not a zod schema`);
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new ContractViolation(
        rule,
        `${name} refuses the working fixture's value: ${zodProblem(parsed.error)}`,
      );
    }
  }
  // The connection form as data: the console draws it, so it must parse and name only real keys.
  if (connector.spec !== undefined) {
    const spec = connectionSpecSchema.safeParse(connector.spec);
    if (!spec.success) throw new ContractViolation(rule, `spec is not valid: ${zodProblem(spec.error)}`);
    for (const [section, value] of [
      ['credentials', fixture.ctx.credentials],
      ['settings', fixture.ctx.settings],
    ] as const) {
      const keys = Object.keys(spec.data[section].properties);
      const missing = (spec.data[section].required ?? []).filter((k) => !keys.includes(k));
      if (missing.length) throw new ContractViolation(rule, `spec.${section} requires unlisted ${missing}`);
      if (section === 'credentials' && isPlainObject(value)) {
        const unknown = Object.keys(value).filter((k) => !keys.includes(k));
        if (unknown.length) {
          throw new ContractViolation(rule, `spec.credentials lacks the credentials ${unknown.join(', ')}`);
        }
      }
    }
  }
}

export async function checkCheck<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
): Promise<void> {
  const result: unknown = await connector.check(fixture.ctx);
  const parsed = checkResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new ContractViolation(
      'check returns a CheckResult',
      `${zodProblem(parsed.error)} in ${describeValue(result)}`,
    );
  }
}

export async function checkListOrganizations<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
): Promise<void> {
  const rule = 'listOrganizations returns organizations';
  const result: unknown = await connector.listOrganizations(fixture.ctx);
  if (!Array.isArray(result)) throw new ContractViolation(rule, `not an array: ${describeValue(result)}`);
  const ids = new Set<string>();
  for (const organization of result as unknown[]) {
    const parsed = sourceOrganizationSchema.safeParse(organization);
    if (!parsed.success) {
      throw new ContractViolation(rule, `${zodProblem(parsed.error)} in ${describeValue(organization)}`);
    }
    if (ids.has(parsed.data.id))
      throw new ContractViolation(rule, `organization id "${parsed.data.id}" repeats`);
    ids.add(parsed.data.id);
  }
  if (!ids.has(fixture.organizationId)) {
    throw new ContractViolation(rule, `the fixture's organization "${fixture.organizationId}" is not listed`);
  }
}

export async function checkFields<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
  options: ContractOptions = {},
): Promise<FieldDescriptor[]> {
  const rule = 'fields returns field descriptors';
  const result: unknown = await connector.fields(fixture.ctx, fixture.organizationId);
  if (!Array.isArray(result)) throw new ContractViolation(rule, `not an array: ${describeValue(result)}`);
  const descriptors: FieldDescriptor[] = [];
  const keys = new Set<string>();
  for (const field of result as unknown[]) {
    const parsed = fieldDescriptorSchema.safeParse(field);
    if (!parsed.success)
      throw new ContractViolation(rule, `${zodProblem(parsed.error)} in ${describeValue(field)}`);
    if (keys.has(parsed.data.key))
      throw new ContractViolation(rule, `field key "${parsed.data.key}" repeats`);
    keys.add(parsed.data.key);
    descriptors.push(parsed.data);
  }
  const emailKey = options.emailFieldKey === undefined ? 'email' : options.emailFieldKey;
  if (emailKey === null) {
    if (!descriptors.some((field) => field.type === 'email')) {
      throw new ContractViolation(rule, 'no field is typed "email"');
    }
  } else {
    const email = descriptors.find((field) => field.key === emailKey);
    if (!email) throw new ContractViolation(rule, `there is no "${emailKey}" field`);
    if (email.type !== 'email') {
      throw new ContractViolation(rule, `the "${emailKey}" field is typed "${email.type}", not "email"`);
    }
  }
  return descriptors;
}

/** A full read: page shapes, record shapes, JSON checkpoints, unique source ids, the expected records. */
export async function checkRead<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
  options: ContractOptions = {},
): Promise<FullRead> {
  const pages = await collectPages(
    connector,
    fixture.ctx,
    readRequest(fixture.organizationId, options),
    options,
  );
  const records: SourceRecord[] = [];
  const firstSeen = new Map<string, number>();
  pages.forEach((page, pageIndex) => {
    for (const record of page.records) {
      const earlier = firstSeen.get(record.sourceId);
      if (earlier !== undefined) {
        throw new ContractViolation(
          'source ids are unique in a read',
          `"${record.sourceId}" is on page ${earlier + 1} and again on page ${pageIndex + 1}`,
        );
      }
      firstSeen.set(record.sourceId, pageIndex);
      records.push(record);
    }
  });
  const ids = new Set(firstSeen.keys());
  const minPages = options.minPages ?? 2;
  if (pages.length < minPages) {
    throw new ContractViolation(
      'the fixture exercises paging',
      `the full read gave ${pages.length} page(s), fewer than ${minPages}: give the fixture more records or a ` +
        'smaller pageSize so resuming from a checkpoint is really tested',
    );
  }
  if (fixture.expectedRecordCount !== undefined && records.length !== fixture.expectedRecordCount) {
    throw new ContractViolation(
      'a full read yields every record',
      `expected ${fixture.expectedRecordCount} records, got ${records.length}`,
    );
  }
  if (fixture.expectedRecordIds !== undefined)
    compareIdSets('a full read yields every record', fixture.expectedRecordIds, ids);
  return { pages, records, ids };
}

function compareIdSets(rule: string, expected: Iterable<string>, actual: ReadonlySet<string>): void {
  const want = new Set(expected);
  const missing = [...want].filter((id) => !actual.has(id));
  const extra = [...actual].filter((id) => !want.has(id));
  if (missing.length > 0 || extra.length > 0) {
    const sample = (ids: string[]) => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`;
    throw new ContractViolation(
      rule,
      [
        missing.length > 0 ? `${missing.length} missing (${sample(missing)})` : '',
        extra.length > 0 ? `${extra.length} unexpected (${sample(extra)})` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
}

export function checkRecordFieldsDescribed(descriptors: readonly FieldDescriptor[], full: FullRead): void {
  const keys = new Set(descriptors.map((field) => field.key));
  for (const record of full.records) {
    for (const key of Object.keys(record.fields)) {
      if (!keys.has(key)) {
        throw new ContractViolation(
          'record fields are described by fields()',
          `record "${record.sourceId}" has field "${key}", which fields() does not list`,
        );
      }
    }
  }
}

/** The page indexes (0-based) whose checkpoints are resumed from: all of them, or an even spread. */
export function resumePoints(pageCount: number, max = 8): number[] {
  if (pageCount <= max) return Array.from({ length: pageCount }, (_, i) => i);
  const points = new Set<number>([0, pageCount - 2, pageCount - 1]);
  const step = (pageCount - 1) / (max - 1);
  for (let i = 0; points.size < max && i < max; i++) points.add(Math.round(i * step));
  return [...points].sort((a, b) => a - b);
}

/**
 * Resuming from the checkpoint of page k (as the engine would: parsed back from JSON) yields exactly the records
 * of pages k+1… of the full read: none lost, none repeated, the same content. Order is not compared.
 */
export async function checkResume<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
  full: FullRead,
  options: ContractOptions = {},
): Promise<number[]> {
  const rule = 'resuming from a checkpoint yields exactly the records after it';
  const points = resumePoints(full.pages.length, options.maxResumePoints);
  for (const k of points) {
    const page = full.pages[k]!;
    const checkpoint = JSON.parse(page.checkpointJson) as Checkpoint;
    const resumed = await collectPages(
      connector,
      fixture.ctx,
      readRequest(fixture.organizationId, options, checkpoint),
      options,
    );
    const expected = new Map<string, SourceRecord>();
    for (const later of full.pages.slice(k + 1))
      for (const record of later.records) expected.set(record.sourceId, record);
    const seen = new Set<string>();
    const where = `after page ${k + 1} of ${full.pages.length} (checkpoint ${page.checkpointJson})`;
    for (const record of resumed.flatMap((p) => p.records)) {
      if (seen.has(record.sourceId)) {
        throw new ContractViolation(rule, `${where}: "${record.sourceId}" came twice`);
      }
      seen.add(record.sourceId);
      const want = expected.get(record.sourceId);
      if (want === undefined) {
        const why = full.ids.has(record.sourceId)
          ? 'it was already read before the checkpoint'
          : 'the full read never had it';
        throw new ContractViolation(rule, `${where}: "${record.sourceId}" came again, but ${why}`);
      }
      if (!isDeepStrictEqual(record, want)) {
        throw new ContractViolation(
          rule,
          `${where}: "${record.sourceId}" differs from the full read: ${describeValue(record)} vs ${describeValue(want)}`,
        );
      }
    }
    const lost = [...expected.keys()].filter((id) => !seen.has(id));
    if (lost.length > 0) {
      throw new ContractViolation(
        rule,
        `${where}: ${lost.length} record(s) lost, e.g. ${lost.slice(0, 5).join(', ')}`,
      );
    }
  }
  return points;
}

/** `listIds` (required when `detectsDeletes`) yields the full read's id set, each id once. */
export async function checkListIds<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
  full: FullRead,
): Promise<void> {
  const rule = 'listIds yields the ids of a full read';
  if (!connector.listIds) {
    if (connector.capabilities.detectsDeletes)
      throw new ContractViolation(rule, 'detectsDeletes but no listIds');
    return;
  }
  const ids = new Set<string>();
  const chunks = asyncIterableOf<unknown>(
    connector.listIds(fixture.ctx, { organizationId: fixture.organizationId }),
    'listIds',
  );
  for await (const id of idsOfChunks(rule, chunks)) {
    if (ids.has(id)) throw new ContractViolation(rule, `"${id}" is listed twice`);
    ids.add(id);
  }
  compareIdSets(rule, full.ids, ids);
}

/** The ids of chunks of ids (listIds, listDeletedIds), each chunk an array and each id a non-empty string. */
async function* idsOfChunks(rule: string, chunks: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    if (!Array.isArray(chunk))
      throw new ContractViolation(rule, `a chunk is not an array: ${describeValue(chunk)}`);
    for (const id of chunk as unknown[]) {
      if (typeof id !== 'string' || id === '')
        throw new ContractViolation(rule, `not an id: ${describeValue(id)}`);
      yield id;
    }
  }
}

/**
 * `listDeletedIds` (required when `deletionFeed`) yields chunks of ids; none of them is a record a full read still
 * yields, and every id the fixture knows deleted is among them (read since the epoch).
 */
export async function checkDeletedIds<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  fixture: ContractFixture<Creds, Settings>,
  full: FullRead,
): Promise<void> {
  const rule = 'listDeletedIds yields the ids of deleted records';
  if (!connector.capabilities.deletionFeed) return;
  if (!connector.listDeletedIds) throw new ContractViolation(rule, 'deletionFeed but no listDeletedIds');
  const ids = new Set<string>();
  const chunks = asyncIterableOf<unknown>(
    connector.listDeletedIds(fixture.ctx, { organizationId: fixture.organizationId, since: new Date(0) }),
    'listDeletedIds',
  );
  for await (const id of idsOfChunks(rule, chunks)) {
    if (full.ids.has(id))
      throw new ContractViolation(rule, `"${id}" is reported deleted but a full read yields it`);
    ids.add(id);
  }
  const missing = (fixture.expectedDeletedIds ?? []).filter((id) => !ids.has(id));
  if (missing.length > 0) {
    throw new ContractViolation(
      rule,
      `${missing.length} deleted record(s) not reported, e.g. ${missing.slice(0, 5).join(', ')}`,
    );
  }
}

function secretsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 6) out.push(value);
  else if (Array.isArray(value)) for (const v of value) secretsOf(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) secretsOf(v, out);
  return out;
}

async function expectTypedFailure(
  what: string,
  run: () => Promise<unknown>,
  codes: readonly ConnectorErrorCode[],
  secrets: readonly string[],
): Promise<ConnectorError> {
  const rule = 'a bad connection fails with a typed error';
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) throw new ContractViolation(rule, `${what} succeeded`);
  if (!(error instanceof ConnectorError)) {
    throw new ContractViolation(rule, `${what} threw an untyped ${describeValue(String(error))}`);
  }
  if (!codes.includes(error.code)) {
    throw new ContractViolation(
      rule,
      `${what} threw ${error.name} (${error.code}), expected one of ${codes.join(', ')}`,
    );
  }
  for (const secret of secrets) {
    if (error.message.includes(secret) || error.userMessage.includes(secret)) {
      throw new ContractViolation(
        'errors carry no secrets',
        `${what}: the error message contains a credential`,
      );
    }
  }
  if (error.userMessage.trim() === '')
    throw new ContractViolation(rule, `${what}: the error has no userMessage`);
  return error;
}

/** `check` and `read` of a bad connection reject with one of the SDK's errors, of the expected code. */
export async function checkBadContext<Creds, Settings>(
  connector: SourceConnector<Creds, Settings>,
  bad: BadContractFixture<Creds, Settings>,
): Promise<void> {
  const codes = bad.expectedCodes ?? DEFAULT_BAD_CODES;
  const secrets = secretsOf(bad.ctx.credentials);
  await expectTypedFailure(
    'check',
    () => Promise.resolve().then(() => connector.check(bad.ctx)),
    codes,
    secrets,
  );
  await expectTypedFailure(
    'read',
    async () => {
      for await (const _page of connector.read(bad.ctx, { organizationId: bad.organizationId })) break;
    },
    codes,
    secrets,
  );
}

export interface ContractSuiteOptions<Creds, Settings> extends ContractOptions {
  /** Used in test names. Default: the connector id. */
  name?: string;
  connector: SourceConnector<Creds, Settings>;
  makeContext: () => Promise<ContractFixture<Creds, Settings>> | ContractFixture<Creds, Settings>;
  badContexts?: readonly BadContextCase<Creds, Settings>[];
}

export interface ContractReport {
  pages: number;
  records: number;
  resumedFrom: number[];
}

/** Every check, in order, against fresh fixtures; throws the first `ContractViolation`. */
export async function checkConnectorContract<Creds, Settings>(
  options: ContractSuiteOptions<Creds, Settings>,
): Promise<ContractReport> {
  const { connector } = options;
  const fixture = await options.makeContext();
  let report: ContractReport;
  try {
    checkDefinition(connector, fixture);
    await checkCheck(connector, fixture);
    await checkListOrganizations(connector, fixture);
    const descriptors = await checkFields(connector, fixture, options);
    const full = await checkRead(connector, fixture, options);
    if (options.requireDescribedRecordFields ?? true) checkRecordFieldsDescribed(descriptors, full);
    const resumedFrom = await checkResume(connector, fixture, full, options);
    await checkListIds(connector, fixture, full);
    await checkDeletedIds(connector, fixture, full);
    report = { pages: full.pages.length, records: full.records.length, resumedFrom };
  } finally {
    await fixture.cleanup?.();
  }
  for (const badCase of options.badContexts ?? []) {
    const bad = await badCase.make();
    try {
      await checkBadContext(connector, bad).catch((error: unknown) => {
        if (error instanceof ContractViolation)
          throw new ContractViolation(error.rule, `${badCase.name}: ${error.detail}`);
        throw error;
      });
    } finally {
      await bad.cleanup?.();
    }
  }
  return report;
}
