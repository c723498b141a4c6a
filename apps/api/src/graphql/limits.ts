import type { ApolloServerPlugin } from '@apollo/server';
import { isUnstorableText } from '@leadsync/core';
import { isUuid } from '@leadsync/db';
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
} from 'graphql';
import { MAX_FIRST } from './pagination.ts';

/**
 * The limits every GraphQL operation is held to before it runs, computed from the operation AND its variables
 * (graphql-armor's cost limit reads only literals: `first: $n` counted as nothing, so one request of 20 aliases of
 * `runs(first: $n) { records(first: $n) }` asked for 20 × 500 × 500 records). No well-kept library weighs
 * variables and schema defaults (graphql-query-complexity does, but is unmaintained since 2023 and would need its own
 * estimators for Relay connections), so the rule is written here with graphql-js's own coercion (getVariableValues,
 * getArgumentValues), which gives exactly the values the resolvers will see, defaults included.
 *
 * 1. Input: every ID is a UUID (except the ids a source chooses, ID_FROM_SOURCE), no text holds what PostgreSQL
 *    cannot store (NUL, unpaired surrogates), strings, lists and JSON objects have a size and depth bound, and a
 *    page size (`first`) is within 0..MAX_FIRST. Crossing one is `BAD_USER_INPUT`, naming the argument.
 * 2. Cost: each field counts once per object it is resolved on; a field with a `first` argument multiplies what is
 *    under it by that page size, another list field by LIST_ESTIMATE (`edges` by 1: its connection's `first` counted
 *    it already). Above the limit the operation is refused with `GRAPHQL_VALIDATION_FAILED` (HTTP 400).
 */
export interface OperationLimits {
  maxCost: number;
}

/** Assumed length of a list without a `first` argument (syncs, mailing lists, connections, a sync's mapping). */
export const LIST_ESTIMATE = 50;
/** Longest text argument or input field (a webhook URL, a name, a search: each has a smaller bound of its own). */
export const MAX_STRING = 10_000;
/** Longest ID that is not a UUID (a source organization id). */
export const MAX_SOURCE_ID = 200;
/** Most items of a list argument (emails per call have a smaller bound of their own). */
export const MAX_LIST = 10_000;
/** Deepest nesting of a JSON object argument (criteria nest at most 5 groups deep, about 12 levels of JSON). */
export const MAX_JSON_DEPTH = 32;

/** ID arguments and input fields whose value a source chooses (`file`, a Zoho organization id): not UUIDs. */
const ID_FROM_SOURCE = new Set(['sourceOrganizationId']);

function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid ${field}: ${message}`, {
    extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } },
  });
}

function checkText(value: string, field: string, max: number): void {
  if (value.length > max) throw badInput(field, `at most ${max.toLocaleString('en-US')} characters`);
  if (isUnstorableText(value)) {
    throw badInput(field, 'text must not hold a NUL character or a broken UTF-16 character');
  }
}

function checkJson(value: unknown, field: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw badInput(field, `JSON nests at most ${MAX_JSON_DEPTH} levels deep`);
  if (typeof value === 'string') {
    if (isUnstorableText(value))
      throw badInput(field, 'text must not hold a NUL character or a broken UTF-16 character');
  } else if (Array.isArray(value)) {
    for (const item of value) checkJson(item, field, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (isUnstorableText(key))
        throw badInput(field, 'a key must not hold a NUL character or a broken UTF-16 character');
      checkJson(item, field, depth + 1);
    }
  }
}

/** Checks a coerced argument value against the bounds of its type (see OperationLimits). */
function checkValue(value: unknown, type: GraphQLInputType, field: string, name: string): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = value as unknown[];
    if (items.length > MAX_LIST) throw badInput(field, `at most ${MAX_LIST.toLocaleString('en-US')} items`);
    for (const item of items) checkValue(item, nullable.ofType, field, name);
    return;
  }
  if (isInputObjectType(nullable)) {
    const object = value as Record<string, unknown>;
    for (const [key, inputField] of Object.entries(nullable.getFields()))
      checkValue(object[key], inputField.type, `${field}.${key}`, key);
    return;
  }
  if (!isScalarType(nullable)) return;
  if (nullable.name === 'ID') {
    const id = String(value);
    if (ID_FROM_SOURCE.has(name)) checkText(id, field, MAX_SOURCE_ID);
    else if (!isUuid(id)) throw badInput(field, 'not an id of this API (a UUID)');
  } else if (nullable.name === 'String') {
    checkText(value as string, field, MAX_STRING);
  } else if (nullable.name === 'JSONObject') {
    checkJson(value, field, 1);
  }
}

interface Walk {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  maxCost: number;
  cost: number;
}

function fieldDefinition(
  parent: GraphQLNamedType,
  node: FieldNode,
  schema: GraphQLSchema,
): GraphQLField<unknown, unknown> | undefined {
  const name = node.name.value;
  if (name === '__schema' && parent === schema.getQueryType()) return SchemaMetaFieldDef;
  if (name === '__type' && parent === schema.getQueryType()) return TypeMetaFieldDef;
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}

function walk(walkState: Walk, selections: SelectionSetNode, parent: GraphQLNamedType, times: number): void {
  for (const selection of selections.selections) {
    if (walkState.cost > walkState.maxCost) return;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? walkState.schema.getType(selection.typeCondition.name.value)
        : parent;
      if (type) walk(walkState, selection.selectionSet, type, times);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = walkState.fragments.get(selection.name.value);
      const type = fragment && walkState.schema.getType(fragment.typeCondition.name.value);
      if (fragment && type) walk(walkState, fragment.selectionSet, type, times);
      continue;
    }
    if (selection.name.value === '__typename') continue;
    const definition = fieldDefinition(parent, selection, walkState.schema);
    if (!definition) continue; // validation has refused unknown fields already
    const args = getArgumentValues(definition, selection, walkState.variables);
    for (const argument of definition.args)
      checkValue(args[argument.name], argument.type, argument.name, argument.name);
    walkState.cost += times;
    if (!selection.selectionSet) continue;
    let size = 1;
    if (definition.args.some((a) => a.name === 'first')) {
      const first = args.first;
      if (typeof first === 'number' && (first < 0 || first > MAX_FIRST))
        throw badInput('first', `at least 0 and at most ${MAX_FIRST}`);
      size = typeof first === 'number' ? Math.max(first, 1) : MAX_FIRST;
    } else if (isListType(getNullableType(definition.type)) && selection.name.value !== 'edges') {
      size = LIST_ESTIMATE;
    }
    walk(walkState, selection.selectionSet, getNamedType(definition.type), times * size);
  }
}

/** The operation's worst-case cost; throws `BAD_USER_INPUT` for an argument out of bounds. */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
  maxCost = Number.POSITIVE_INFINITY,
): number {
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;
  const state: Walk = {
    schema,
    variables,
    fragments: new Map(fragments.map((f) => [f.name.value, f])),
    maxCost,
    cost: 0,
  };
  walk(state, operation.selectionSet, root, 1);
  return state.cost;
}

/** Holds every operation to OperationLimits once its document is parsed, validated and its operation chosen. */
export function operationLimitsPlugin<T extends object>(limits: OperationLimits): ApolloServerPlugin<T> {
  /**
   * The cost of an operation without variables, per parsed operation (Apollo hands the same document for the same
   * query text): it depends on nothing else, so a polled query is weighed once (issue 22). Only costs within the
   * limit are kept; an operation refused is weighed again each time, with the same answer.
   */
  const withinLimit = new WeakSet<OperationDefinitionNode>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, operation, document, request }) {
          if (!operation) return;
          const constant = !operation.variableDefinitions?.length;
          if (constant && withinLimit.has(operation)) return;
          const coerced = getVariableValues(
            schema,
            operation.variableDefinitions ?? [],
            request.variables ?? {},
          );
          // Variables that do not fit their types are refused by the execution itself, as BAD_USER_INPUT.
          if (coerced.errors) return;
          const fragments = document.definitions.filter(
            (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
          );
          const cost = operationCost(schema, operation, fragments, coerced.coerced, limits.maxCost);
          if (cost > limits.maxCost) {
            throw new GraphQLError(
              `Query cost limit of ${limits.maxCost} exceeded (at least ${cost}, counting every page size asked ` +
                'for, variables and defaults included): ask for smaller pages, fewer aliases or less nesting.',
              { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } },
            );
          }
          if (constant) withinLimit.add(operation);
        },
      };
    },
  };
}
