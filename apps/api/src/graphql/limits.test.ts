import 'reflect-metadata';
import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Kind, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationLimitsPlugin } from './limits.ts';
import { buildLeadsyncSchema } from './schema.ts';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildLeadsyncSchema();
});

/** didResolveOperation of one request, as Apollo calls it: the parsed document, its operation, the variables. */
async function weigh(
  plugin: ReturnType<typeof operationLimitsPlugin>,
  document: ReturnType<typeof parse>,
  variables: Record<string, unknown> = {},
) {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const listener = await plugin.requestDidStart?.({} as never);
  return listener?.didResolveOperation?.({ schema, operation, document, request: { variables } } as never);
}

describe('operationLimitsPlugin: the cost of an operation without variables is weighed once', () => {
  it('answers the same for the same parsed document every time: within the limit, or refused', async () => {
    const plugin = operationLimitsPlugin({ maxCost: 20_000 });
    const small = parse('{ syncs { id runs(first: 10) { edges { node { id } } } } }');
    const large = parse('{ syncs { id runs(first: 500) { edges { node { id } } } } }');
    for (let i = 0; i < 3; i += 1) {
      await expect(weigh(plugin, small)).resolves.toBeUndefined();
      await expect(weigh(plugin, large)).rejects.toThrow(/Query cost limit of 20000 exceeded/);
    }
  });

  it('weighs an operation with variables on every request, with its variables', async () => {
    const plugin = operationLimitsPlugin({ maxCost: 20_000 });
    const query = parse('query($n: Int) { syncs { id runs(first: $n) { edges { node { id } } } } }');
    await expect(weigh(plugin, query, { n: 10 })).resolves.toBeUndefined();
    await expect(weigh(plugin, query, { n: 500 })).rejects.toThrow(/Query cost limit/);
    await expect(weigh(plugin, query, { n: 10 })).resolves.toBeUndefined();
  });
});
