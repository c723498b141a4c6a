import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('query size limits', () => {
  it('refuses a query of too many tokens with a 400, not a server error', async () => {
    const result = await api.gql(`{ viewer { ${'role '.repeat(3_000)} } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/token/i);
  });

  it('refuses a deeply nested query with a 400', async () => {
    const deep = `{ ${'__type(name: "Sync") { fields { type { ofType { '.repeat(8)} name ${'} } } }'.repeat(8)} }`;
    const result = await api.gql(deep);
    expect(result.status).toBe(400);
  });
});
