import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProduct, startProduct } from './support/product.ts';

/**
 * Issue 17, sections 2 and 3, over real HTTP against the real product process (`pnpm start`'s main.ts, worker in
 * process): bad input is BAD_USER_INPUT and never a server error, malformed or oversized bodies get a JSON error
 * without a stack or a path of the machine whatever NODE_ENV is, the cost limit weighs list sizes given as
 * variables and defaults, every input is bounded, and requests are limited per key and failed authentications per
 * client address.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are untyped JSON; the assertions that read them check them.
type Json = any;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

async function post(
  product: RunningProduct,
  body: string,
  key: string | null = product.adminKey,
  contentType = 'application/json',
): Promise<Answer> {
  const response = await fetch(`${product.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  const text = await response.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const gql = (
  product: RunningProduct,
  query: string,
  variables: Record<string, unknown> = {},
  key: string | null = product.adminKey,
) => post(product, JSON.stringify({ query, variables }), key);

/** No stack frame, no file of the machine, no HTML page. */
function expectNoInternals(answer: Answer, label: string) {
  expect(answer.text, label).not.toMatch(
    /\bat [\w.<>]+ \(|node:internal|node_modules|\/work\/|\/home\/|\.ts:\d+/,
  );
  expect(answer.text, label).not.toMatch(/<html|<pre>/i);
}

const UUID = '00000000-0000-4000-8000-000000000000';

describe.each([
  ['production', { NODE_ENV: 'production' }],
  ['development', { NODE_ENV: 'development' }],
] as const)('bad requests with NODE_ENV=%s', (_name, env) => {
  let tdb: TestDatabase;
  let product: RunningProduct;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    product = await startProduct(tdb.url, '127.0.0.1:9', env);
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
    await tdb?.drop();
  });

  it('malformed JSON, a body that is not JSON, and an oversized body get a JSON error without internals', async () => {
    for (const [label, body, contentType] of [
      ['malformed', '{"query": "{ viewer { role } }"', 'application/json'],
      ['garbage', '\u0000\u0001{{{', 'application/json'],
      ['bad escape', '{"query": "\\x"}', 'application/json'],
    ] as const) {
      const answer = await post(product, body, product.adminKey, contentType);
      expect(answer.status, label).toBe(400);
      expect(answer.headers.get('content-type'), label).toMatch(/json/);
      expect(answer.json?.errors?.[0]?.extensions?.code, label).toBe('BAD_REQUEST');
      expectNoInternals(answer, label);
    }
    const big = await post(
      product,
      JSON.stringify({ query: '{ viewer { role } }', pad: 'x'.repeat(11 << 20) }),
    );
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/json/);
    expect(big.json?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expectNoInternals(big, 'oversized');
  });

  it('malformed cursors, non-UUID ids and oversized numbers are BAD_USER_INPUT, never a server error', async () => {
    const { createMailingList } = (await gql(product, 'mutation { createMailingList(name: "L") { id } }'))
      .json.data;
    const cases: [string, string, Record<string, unknown>][] = [
      ['leads cursor', '{ leads(after: "not a cursor") { totalCount } }', {}],
      ['leads cursor (base64 junk)', '{ leads(after: "eyJ4IjoxfQ") { totalCount } }', {}],
      ['leads cursor (a number)', '{ leads(after: "12345") { totalCount } }', {}],
      ['sync id', '{ sync(id: "not-a-uuid") { id } }', {}],
      ['run id', 'query ($id: ID!) { syncRun(id: $id) { id } }', { id: "1' or '1'='1" }],
      ['connection id', 'query ($id: ID!) { connection(id: $id) { id } }', { id: '42' }],
      ['mutation id', 'mutation ($id: ID!) { runSyncNow(id: $id) { id } }', { id: 'abc' }],
      ['list id', '{ leads(mailingListId: "x") { totalCount } }', {}],
      ['Int beyond 32 bits, literal', '{ leads(first: 3000000000) { totalCount } }', {}],
      ['Int beyond 32 bits, variable', 'query ($n: Int) { leads(first: $n) { totalCount } }', { n: 3e9 }],
      ['first: 1e9, variable', 'query ($n: Int) { leads(first: $n) { totalCount } }', { n: 1e9 }],
      ['first: 1e9, literal', '{ leads(first: 1e9) { totalCount } }', {}],
      ['first: 1000000', '{ leads(first: 1000000) { totalCount } }', {}],
      ['negative first', '{ leads(first: -1) { totalCount } }', {}],
      ['a NUL in a name', 'mutation ($n: String!) { createMailingList(name: $n) { id } }', { n: 'a\u0000b' }],
      [
        'a broken character in an email',
        'mutation ($e: [String!]!) { markBounced(emails: $e) }',
        { e: ['a\udc00@example.com'] },
      ],
      ['a run of the list id', `{ syncRun(id: "${createMailingList.id}x") { id } }`, {}],
    ];
    const problems: string[] = [];
    for (const [label, query, variables] of cases) {
      const answer = await gql(product, query, variables);
      const code = answer.json?.errors?.[0]?.extensions?.code;
      if (code !== 'BAD_USER_INPUT' || answer.status >= 500)
        problems.push(`${label}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
      expectNoInternals(answer, label);
    }
    expect(problems).toEqual([]);
    // A well-formed id that names nothing is still a plain "not found" (null for a lookup).
    const missing = await gql(product, `{ sync(id: "${UUID}") { id } }`);
    expect(missing.json?.errors).toBeUndefined();
    expect(missing.json?.data?.sync).toBeNull();
  });
});

describe('costs, bounds and rate limits', () => {
  let tdb: TestDatabase;
  let product: RunningProduct;
  let limited: RunningProduct;
  let limitedDb: TestDatabase;
  beforeAll(async () => {
    [tdb, limitedDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    [product, limited] = await Promise.all([
      startProduct(tdb.url, '127.0.0.1:9'),
      startProduct(limitedDb.url, '127.0.0.1:9', {
        LEADSYNC_RATE_LIMIT_BURST: '5',
        LEADSYNC_RATE_LIMIT_PER_SECOND: '0.2',
        LEADSYNC_AUTH_FAILURE_BURST: '3',
        LEADSYNC_AUTH_FAILURES_PER_SECOND: '0.01',
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await product?.stop();
    await limited?.stop();
    await tdb?.drop();
    await limitedDb?.drop();
  });

  it('the cost limit weighs list sizes given as variables and defaults: 20 aliases of runs × records are refused before they run', async () => {
    const nested = (first: string) =>
      Array.from(
        { length: 20 },
        (_, i) =>
          `s${i}: sync(id: $id) { runs(${first}) { edges { node { records(${first}) { edges { node { sourceId email outcome reason suggestion } } } } } } }`,
      ).join(' ');
    for (const [label, query, variables] of [
      ['variables', `query ($id: ID!, $n: Int) { ${nested('first: $n')} }`, { id: UUID, n: 100 }],
      [
        'variables at the largest page',
        `query ($id: ID!, $n: Int) { ${nested('first: $n')} }`,
        { id: UUID, n: 500 },
      ],
      ['defaults', `query ($id: ID!) { ${nested('')} }`.replaceAll('()', ''), { id: UUID }],
      [
        'fragments',
        `query ($id: ID!, $n: Int) { ${Array.from({ length: 20 }, (_, i) => `s${i}: sync(id: $id) { ...R }`).join(' ')} }
         fragment R on Sync { runs(first: $n) { edges { node { records(first: $n) { edges { node { email } } } } } } }`,
        { id: UUID, n: 200 },
      ],
    ] as const) {
      const answer = await gql(product, query, variables);
      expect(answer.status, `${label}: ${answer.text.slice(0, 300)}`).toBe(400);
      expect(answer.json?.errors?.[0]?.extensions?.code, label).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(answer.json?.errors?.[0]?.message, label).toMatch(/cost/i);
      expect(answer.json?.data, label).toBeUndefined();
    }
    // What the console asks stays well within the limit.
    const { createMailingList } = (await gql(product, 'mutation { createMailingList(name: "L") { id } }'))
      .json.data;
    const console = await gql(
      product,
      `query ($id: ID!) {
        sync(id: $id) { id name runs(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
          id status startedAt finishedAt error totals { total newLeads reAdded duplicate ignored deleted }
          ignoredBreakdown { bounced doNotMail groupEmail fileDuplicate emptyEmail invalidPattern } progress { read processed } } } } }
        syncs { id name status connection { id name } mailingList { id name } lastRun { id status totals { total } } }
        leads(mailingListId: "${createMailingList.id}", first: 500) { totalCount edges { cursor node { id email firstName lastName status fields } } }
      }`,
      { id: UUID },
    );
    expect(console.json?.errors, console.text).toBeUndefined();
  });

  it('every input has a bound: crossing one is BAD_USER_INPUT with a sentence', async () => {
    const api = product;
    const { createMailingList: list } = (await gql(api, 'mutation { createMailingList(name: "B") { id } }'))
      .json.data;
    const { createConnection: connection } = (
      await gql(api, 'mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
        input: {
          connector: 'csv',
          name: 'F',
          credentials: {},
          settings: { csv: 'email,country\na@example.com,IN' },
        },
      })
    ).json.data;
    const sync = (overrides: Record<string, unknown>) =>
      gql(api, 'mutation ($input: CreateSyncInput!) { createSync(input: $input) { id } }', {
        input: {
          name: 'S',
          connectionId: connection.id,
          sourceOrganizationId: 'file',
          importMode: 'CRITERIA',
          criteria: { match: 'all', rules: [{ field: 'country', op: 'is', value: 'IN' }] },
          mailingListId: list.id,
          fieldMapping: [{ source: 'email', target: 'email' }],
          schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
          ...overrides,
        },
      });
    expect((await sync({})).json?.errors).toBeUndefined();
    const rule = { field: 'country', op: 'is', value: 'IN' };
    const cases: [string, Promise<Answer>][] = [
      [
        'values per rule',
        sync({
          criteria: {
            match: 'all',
            rules: [{ field: 'country', op: 'in', value: Array.from({ length: 5_000 }, (_, i) => `v${i}`) }],
          },
        }),
      ],
      ['rules', sync({ criteria: { match: 'any', rules: Array.from({ length: 1_000 }, () => rule) } })],
      ['a long value', sync({ criteria: { match: 'all', rules: [{ ...rule, value: 'x'.repeat(20_000) }] } })],
      ['a long field', sync({ criteria: { match: 'all', rules: [{ ...rule, field: 'f'.repeat(5_000) }] } })],
      [
        'nesting',
        sync({
          criteria: Array.from({ length: 30 }).reduce<Json>((inner) => ({ match: 'all', rules: [inner] }), {
            match: 'all',
            rules: [rule],
          }),
        }),
      ],
      [
        'mapping entries',
        sync({
          fieldMapping: [
            { source: 'email', target: 'email' },
            ...Array.from({ length: 500 }, (_, i) => ({ source: `s${i}`, target: `fields.f${i}` })),
          ],
        }),
      ],
      ['a long mapping source', sync({ fieldMapping: [{ source: 'e'.repeat(5_000), target: 'email' }] })],
      ['a long name', sync({ name: 'n'.repeat(5_000) })],
      ['a long source organization id', sync({ sourceOrganizationId: 'o'.repeat(5_000) })],
      [
        'emails per call',
        gql(api, 'mutation ($e: [String!]!) { markDoNotMail(emails: $e) }', {
          e: Array.from({ length: 20_000 }, (_, i) => `p${i}@example.com`),
        }),
      ],
      [
        'a long email',
        gql(api, 'mutation ($e: [String!]!) { deleteLeads(emails: $e) }', {
          e: [`${'a'.repeat(5_000)}@example.com`],
        }),
      ],
      [
        'a long search',
        gql(api, 'query ($s: String) { leads(search: $s) { totalCount } }', { s: 's'.repeat(5_000) }),
      ],
      [
        'a long webhook URL',
        gql(api, 'mutation ($u: String!) { createWebhook(url: $u, events: [RUN_FAILED]) { id } }', {
          u: `http://127.0.0.1:9/${'p'.repeat(5_000)}`,
        }),
      ],
      [
        'a long list name',
        gql(api, 'mutation ($n: String!) { createMailingList(name: $n) { id } }', { n: 'l'.repeat(5_000) }),
      ],
    ];
    const problems: string[] = [];
    for (const [label, pending] of cases) {
      const answer = await pending;
      const error = answer.json?.errors?.[0];
      if (
        answer.status >= 500 ||
        error?.extensions?.code !== 'BAD_USER_INPUT' ||
        !/\w+ \w+/.test(error?.message ?? '')
      )
        problems.push(`${label}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  });

  it('requests are limited per API key with 429 and Retry-After, failed authentications per client address', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 8; i++) answers.push(await gql(limited, '{ viewer { role } }'));
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.json?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    const failures: Answer[] = [];
    for (let i = 0; i < 6; i++)
      failures.push(await gql(limited, '{ viewer { role } }', {}, `lsk_guess_${i}_000000000000000000`));
    expect(failures.slice(0, 3).map((a) => a.status)).toEqual([401, 401, 401]);
    const blocked = failures.slice(3);
    for (const answer of blocked) {
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const csv = await fetch(`${limited.url}/runs/${UUID}/records.csv`, {
      headers: { authorization: 'Bearer lsk_nope_0000000000000000' },
    });
    expect(csv.status).toBe(429);
    expect(Number(csv.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
