import { createApiClient } from '../api/client.ts';

export interface GraphQLAnswer {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  status?: number;
}

export type Handler = (variables: Record<string, unknown>) => GraphQLAnswer;

export interface FakeCall {
  operationName: string;
  variables: Record<string, unknown>;
  authorization: string | null;
}

/**
 * A stand-in for the GraphQL server at the fetch boundary: answers by operation name, records every
 * call. (The browser code under test is real; only the network is replaced.)
 */
export function fakeFetch(handlers: Record<string, Handler>): { fetch: typeof fetch; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const impl = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body ?? '{}')) as {
      query?: string;
      operationName?: string;
      variables?: Record<string, unknown>;
    };
    const operationName =
      body.operationName ?? /(?:query|mutation)\s+(\w+)/.exec(body.query ?? '')?.[1] ?? '';
    const headers = new Headers(init?.headers);
    const variables = body.variables ?? {};
    calls.push({ operationName, variables, authorization: headers.get('authorization') });
    // Keys name operations with a lower-case first letter (`createSync` answers `CreateSync`).
    const handler = handlers[operationName.charAt(0).toLowerCase() + operationName.slice(1)];
    const answer: GraphQLAnswer = handler
      ? handler(variables)
      : {
          errors: [
            { message: `no fake for ${operationName}`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
          ],
        };
    return new Response(JSON.stringify({ data: answer.data ?? null, errors: answer.errors }), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch: impl as typeof fetch, calls };
}

export function fakeClient(handlers: Record<string, Handler>) {
  const fake = fakeFetch(handlers);
  return {
    ...fake,
    client: createApiClient({ apiKey: 'test-key', fetch: fake.fetch, url: 'http://test/graphql' }),
  };
}
