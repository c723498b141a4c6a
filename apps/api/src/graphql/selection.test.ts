import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { RelationLoader } from './context.ts';
import { columnsOf, mapMaybePromise, selectedFields, selectedFieldsAt } from './selection.ts';

function infoOf(query: string) {
  const document = parse(query);
  const fragments = Object.fromEntries(
    document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d]] : [])),
  );
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
  const field = operation.selectionSet.selections[0];
  if (field?.kind !== 'Field') throw new Error('no field');
  return { fieldNodes: [field], fragments };
}

function selectedFieldNames(query: string): Set<string> {
  const { fieldNodes, fragments } = infoOf(query);
  return new Set(selectedFields(fieldNodes, fragments).keys());
}

describe('selectedFields', () => {
  it('names the fields under the resolved field, not deeper ones', () => {
    expect(selectedFieldNames('{ syncs { id lastRun { status } } }')).toEqual(new Set(['id', 'lastRun']));
  });

  it('follows inline fragments and fragment spreads, a fragment used twice once', () => {
    const names = selectedFieldNames(`{ syncs { ... on Sync { connection { id } } ...A ...A } }
        fragment A on Sync { mailingList { id } ...B } fragment B on Sync { name }`);
    expect(names).toEqual(new Set(['connection', 'mailingList', 'name']));
  });

  it('is empty for a leaf and ignores a spread of an unknown fragment', () => {
    expect(selectedFieldNames('{ version }')).toEqual(new Set());
    expect(selectedFieldNames('{ syncs { ...Missing } }')).toEqual(new Set());
  });
});

describe('selectedFields: aliases and nested selections', () => {
  it('keeps every node of a field selected under several aliases, for the union of their selections', () => {
    const { fieldNodes, fragments } = infoOf(
      '{ syncs { a: lastRun { id } b: lastRun { status ...R } } } fragment R on SyncRun { error }',
    );
    const runs = selectedFields(fieldNodes, fragments).get('lastRun') ?? [];
    expect(runs).toHaveLength(2);
    expect(new Set(selectedFields(runs, fragments).keys())).toEqual(new Set(['id', 'status', 'error']));
  });
});

describe('selectedFieldsAt', () => {
  it("names the fields under a path (a connection's nodes), through fragments; none when the path is not asked", () => {
    const { fieldNodes, fragments } = infoOf(
      '{ sync { runs { totalCount edges { cursor node { id ...T } } } } } fragment T on SyncRun { totals { total } }',
    );
    const [runs] = selectedFields(fieldNodes, fragments).get('runs') ?? [];
    if (!runs) throw new Error('no runs');
    expect([...selectedFieldsAt([runs], fragments, ['edges', 'node']).keys()]).toEqual(['id', 'totals']);
    expect([...selectedFieldsAt([runs], fragments, ['pageInfo', 'node']).keys()]).toEqual([]);
  });
});

describe('columnsOf', () => {
  const map = { id: ['id'], totals: ['total', 'ignored'], records: ['id'] } as const;

  it('is the base and the columns of each selected field, once each; __typename reads none', () => {
    expect(columnsOf(['totals', '__typename', 'records'], map, ['id'])).toEqual(['id', 'total', 'ignored']);
    expect(columnsOf([], map, ['id'])).toEqual(['id']);
  });

  it('is every column (undefined) when a selected field is not in the map', () => {
    expect(columnsOf(['id', 'somethingNew'], map, ['id'])).toBeUndefined();
    expect(columnsOf(['toString'], map, ['id'])).toBeUndefined();
  });
});

describe('mapMaybePromise', () => {
  it('maps a value at once and a promise when it settles', async () => {
    expect(mapMaybePromise(2, (n) => n * 3)).toBe(6);
    const later = mapMaybePromise(Promise.resolve(2), (n) => n * 3);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(6);
  });
});

describe('RelationLoader', () => {
  const loaderOver = (rows: Record<string, string>) => {
    const batches: string[][] = [];
    const loader = new RelationLoader<string>(async (keys) => {
      batches.push([...keys]);
      return new Map(keys.flatMap((key) => (rows[key] ? [[key, rows[key]] as const] : [])));
    });
    return { loader, batches };
  };

  it('answers prefetched keys without a promise, absent ones as undefined, in one batch of distinct keys', async () => {
    const { loader, batches } = loaderOver({ a: 'A', b: 'B' });
    await loader.prefetch(['a', 'b', 'a', 'x']);
    expect(batches).toEqual([['a', 'b', 'x']]);
    expect(loader.get('a')).toBe('A');
    expect(loader.get('x')).toBeUndefined();
    await loader.prefetch(['a', 'b']);
    expect(batches).toHaveLength(1);
  });

  it('batches the keys asked one at a time (DataLoader) when nothing was prefetched', async () => {
    const { loader, batches } = loaderOver({ a: 'A', b: 'B' });
    const answers = await Promise.all([loader.get('a'), loader.get('b'), loader.get('c')]);
    expect(answers).toEqual(['A', 'B', undefined]);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('fails the prefetch when the batch fails, and knows nothing of it afterwards', async () => {
    let fail = true;
    const loader = new RelationLoader<string>(async (keys) => {
      if (fail) throw new Error('database down');
      return new Map(keys.map((key) => [key, key.toUpperCase()]));
    });
    await expect(loader.prefetch(['a'])).rejects.toThrow('database down');
    fail = false;
    expect(await loader.get('a')).toBe('A');
  });
});
