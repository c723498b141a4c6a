import { type FieldNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from 'graphql';

/**
 * The fields selected under these field nodes (a resolved field's `info.fieldNodes`, or a selected field's nodes),
 * by name (aliases of one field together), through inline fragments and fragment spreads (any type condition;
 * `@skip`/`@include` not evaluated: a field listed that is then skipped costs at most a column or a prefetch).
 * Written here: graphql-js keeps its `collectFields` internal, and this is all a list resolver needs to know to load
 * what its selection reads in one go (issue 22).
 */
export function selectedFields(
  fieldNodes: readonly FieldNode[],
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const seenFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const nodes = fields.get(selection.name.value);
        if (nodes) nodes.push(selection);
        else fields.set(selection.name.value, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        visit(fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of fieldNodes) visit(node.selectionSet);
  return fields;
}

/**
 * The fields selected under a path of fields below these nodes (`['edges', 'node']` for a connection's nodes);
 * empty when the path is not selected.
 */
export function selectedFieldsAt(
  fieldNodes: readonly FieldNode[],
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  path: readonly string[],
): Map<string, FieldNode[]> {
  let nodes: readonly FieldNode[] = fieldNodes;
  for (const name of path) nodes = selectedFields(nodes, fragments).get(name) ?? [];
  return selectedFields(nodes, fragments);
}

/**
 * The columns a selection reads, from a map of the columns each field of the type reads, with `base` (what the
 * row's mapping reads whatever is selected); `undefined`, every column, as soon as one selected field is not in the
 * map: a field added to the type is answered right before it is answered fast.
 */
export function columnsOf<C extends string>(
  fieldNames: Iterable<string>,
  map: Readonly<Record<string, readonly C[]>>,
  base: readonly C[],
): C[] | undefined {
  const columns = new Set<C>(base);
  for (const name of fieldNames) {
    if (name === '__typename') continue;
    const read = Object.hasOwn(map, name) ? map[name] : undefined;
    if (!read) return undefined;
    for (const column of read) columns.add(column);
  }
  return [...columns];
}

/** `map` of a value that may still be on its way: synchronous when it is there (no promise, no microtask). */
export function mapMaybePromise<T, R>(value: T | Promise<T>, map: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(map) : map(value);
}
