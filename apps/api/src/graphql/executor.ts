import type { ApolloServer } from '@apollo/server';
import { isoFromMillis } from '@leadsync/core';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLSchema,
  getVariableValues,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { DateTimeScalar } from './scalars.ts';

/** The executor interface Apollo Server offers (its `gateway` option): the only way to replace `execute` in AS 5. */
type Gateway = NonNullable<ConstructorParameters<typeof ApolloServer>[0]['gateway']>;
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/**
 * `DateTime` as the text JSON.stringify would write for the `Date` the scalar gives (its `toJSON`, the ISO string),
 * with the scalar's own checks and messages. The answer's JSON is the same; JSON.stringify no longer meets a `Date`,
 * which sent it down its slow path for the whole answer (the `syncs` query's 200 dates doubled its cost).
 */
export function serializeDateTime(value: unknown): unknown {
  // A valid Date, what the resolvers give, written at once; anything else through the scalar (its checks, messages).
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isFinite(time)) return isoFromMillis(time);
  }
  const serialized = DateTimeScalar.serialize(value);
  return serialized instanceof Date ? isoFromMillis(serialized.getTime()) : serialized;
}

const compileOptions = { customSerializers: { [DateTimeScalar.name]: serializeDateTime } };

/**
 * Runs queries with graphql-jit (issue 22): each (document, operation) is compiled once into a function that resolves
 * the fields without graphql-js's per-field bookkeeping (argument coercion, info objects, promise wrappers). Apollo
 * keeps everything else: parsing and its document cache, validation (armor), the cost rule (didResolveOperation),
 * formatError and the HTTP shape.
 *
 * What stays on graphql-js `execute`, so its answers and errors stay exactly as before: mutations and subscriptions
 * (few, and order-sensitive), an operation graphql-jit cannot compile, and variables that do not fit their types
 * (graphql-js's messages are what Apollo recognizes as `BAD_USER_INPUT`). graphql-jit's errors are rebuilt as
 * graphql-js GraphQLErrors with the same message, path, locations and originalError, which formatError unwraps.
 */
export function jitExecutor(schema: GraphQLSchema): Executor {
  /** Apollo hands the same DocumentNode for the same query text (its document store), so this is its cache too. */
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  function compiledFor(document: DocumentNode, operationName: string | null): CompiledQuery | null {
    let byName = compiled.get(document);
    if (!byName) {
      byName = new Map();
      compiled.set(document, byName);
    }
    const key = operationName ?? '';
    let found = byName.get(key);
    if (found === undefined) {
      const result = compileQuery(schema, document, operationName ?? undefined, compileOptions);
      found = isCompiledQuery(result) ? result : null;
      byName.set(key, found);
    }
    return found;
  }

  return async (requestContext) => {
    const { document, operation, operationName, request, context } = requestContext;
    const variables = request.variables ?? {};
    const query =
      operation.operation === 'query' &&
      (!operation.variableDefinitions?.length ||
        !getVariableValues(schema, operation.variableDefinitions, variables).errors)
        ? compiledFor(document, operationName)
        : null;
    if (!query) {
      return execute({
        schema,
        document,
        contextValue: context,
        variableValues: variables,
        operationName,
      });
    }
    const result = (await query.query(undefined, context, variables)) as ExecutionResult;
    if (!result.errors) return result;
    return { ...result, errors: result.errors.map(asGraphQLJsError) };
  };
}

/** graphql-js's own shape of a located error (locatedError), from graphql-jit's. */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  if (
    original instanceof GraphQLError &&
    Array.isArray(original.path) &&
    original.constructor === GraphQLError
  )
    return original;
  // An error graphql-jit raised itself (null in a non-null field, a value that does not serialize) has no cause;
  // graphql-js locates the Error it threw, so the cause is an Error of the same message.
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: original ?? new Error(error.message),
  });
  if (error.locations) (rebuilt as { locations?: unknown }).locations = error.locations;
  return rebuilt;
}

/** The gateway Apollo asks for: our schema, fixed, and jitExecutor. */
export function jitGateway(schema: GraphQLSchema): Gateway {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return { executor: jitExecutor(schema) };
    },
    async stop() {},
  };
}
