import {
  buildSchema,
  type ExecutionResult,
  execute,
  GraphQLError,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLSchema,
  type OperationDefinitionNode,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { DomainError, DomainErrorCode } from './errors.ts';
import { jitExecutor } from './executor.ts';
import { DateTimeScalar } from './scalars.ts';

const schema = buildSchema(`
  type Item { id: ID! name: String! failing: String broken: String! }
  type Query { items(first: Int = 2): [Item!]! item(id: ID!): Item }
  type Mutation { rename(name: String!): Item }
`);
const rows = [
  { id: '1', name: 'one' },
  { id: '2', name: 'two' },
  { id: '3', name: 'three' },
];
const resolvers: Record<string, Record<string, (parent: never, args: never) => unknown>> = {
  Query: {
    items: (_parent, { first }: { first: number }) => rows.slice(0, first),
    item: (_parent, { id }: { id: string }) => rows.find((row) => row.id === id) ?? null,
  },
  Mutation: { rename: (_parent, { name }: { name: string }) => ({ id: '9', name }) },
  Item: {
    failing: () => {
      throw new DomainError(DomainErrorCode.NotFound, 'Item not found');
    },
    broken: () => null,
  },
};
for (const [type, fields] of Object.entries(resolvers)) {
  const object = schema.getType(type) as GraphQLObjectType;
  for (const [name, resolve] of Object.entries(fields)) {
    const field = object.getFields()[name];
    if (field) field.resolve = resolve as never;
  }
}

async function both(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const expected = await execute({ schema, document, variableValues: variables });
  const run = jitExecutor(schema);
  const context = { document, operation, operationName: null, request: { variables }, context: {} };
  const actual = (await run(context as never)) as ExecutionResult;
  return { expected, actual, document };
}

function shape(result: ExecutionResult) {
  return {
    data: result.data,
    errors: result.errors?.map((error) => ({
      class: error.constructor,
      json: error.toJSON(),
      original: error.originalError?.constructor,
      originalMessage: error.originalError?.message,
    })),
  };
}

describe('jitExecutor (graphql-jit for queries)', () => {
  it('answers a query as graphql-js does: data, defaults, null propagation', async () => {
    const { expected, actual } = await both('{ items { id name } item(id: "3") { name } }');
    expect(actual).toEqual(expected);
    expect(actual.data).toEqual({
      items: [
        { id: '1', name: 'one' },
        { id: '2', name: 'two' },
      ],
      item: { name: 'three' },
    });
  });

  it('keeps the errors graphql-js gives: message, path, locations, class, the DomainError as originalError', async () => {
    const { expected, actual } = await both(
      'query { items(first: 1) { id failing } item(id: "2") { broken } }',
    );
    expect(actual.errors?.length).toBe(2);
    expect(shape(actual)).toEqual(shape(expected));
    expect(actual.errors?.[0]?.originalError).toBeInstanceOf(DomainError);
    expect(actual.errors?.every((error) => error.constructor === GraphQLError)).toBe(true);
  });

  it('leaves variables that do not fit their types and mutations to graphql-js, with its messages', async () => {
    const bad = await both('query($n: Int) { items(first: $n) { id } }', { n: 'many' });
    expect(bad.actual).toEqual(bad.expected);
    expect(bad.actual.errors?.[0]?.message).toMatch(/^Variable "\$n" got invalid value "many"/);
    const good = await both('query($n: Int) { items(first: $n) { id } }', { n: 3 });
    expect(good.actual).toEqual(good.expected);
    const mutation = await both('mutation { rename(name: "x") { id name } }');
    expect(mutation.actual).toEqual(mutation.expected);
  });
});

describe('jitExecutor: DateTime', () => {
  const withDates = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        at: { type: DateTimeScalar, args: { n: { type: GraphQLInt } }, resolve: (_root, { n }) => dates[n] },
      },
    }),
  });
  const dates: unknown[] = [
    new Date('2026-12-04T23:20:30.123Z'),
    null,
    new Date(Number.NaN),
    '2026-12-05T01:00:00+01:00',
    new Date('0099-01-01T00:00:00.001Z'),
    new Date(8.64e15),
    new Date(-1),
  ];

  it('writes the JSON graphql-js writes, and refuses an invalid date with the scalar message', async () => {
    const document = parse(
      '{ a: at(n: 0) b: at(n: 1) c: at(n: 2) d: at(n: 3) e: at(n: 4) f: at(n: 5) g: at(n: 6) }',
    );
    const expected = await execute({ schema: withDates, document });
    const run = jitExecutor(withDates);
    const context = {
      document,
      operation: document.definitions[0],
      operationName: null,
      request: {},
      context: {},
    };
    const actual = (await run(context as never)) as ExecutionResult;
    expect(JSON.stringify(actual.data)).toBe(JSON.stringify(expected.data));
    // The scalar's error is graphql-js's cause, a rebuilt Error graphql-jit's (as before): both are internal errors.
    expect(actual.errors?.map((error) => error.toJSON())).toEqual(
      expected.errors?.map((error) => error.toJSON()),
    );
    expect(JSON.parse(JSON.stringify(actual)).data).toEqual({
      a: '2026-12-04T23:20:30.123Z',
      b: null,
      c: null,
      d: '2026-12-05T00:00:00.000Z',
      e: '0099-01-01T00:00:00.001Z',
      f: '+275760-09-13T00:00:00.000Z',
      g: '1969-12-31T23:59:59.999Z',
    });
    expect(actual.errors?.[0]?.message).toBe('DateTime cannot represent an invalid Date instance');
    // Serialized to text while executing: JSON.stringify of the answer meets no Date (its slow path).
    expect(typeof actual.data?.a).toBe('string');
  });
});
