import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { RelationLoader } from './context.ts';
import { mapMaybePromise, selectedFieldNames } from './selection.ts';

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

describe('selectedFieldNames', () => {
  it('names the fields under the resolved field, not deeper ones', () => {
    expect(selectedFieldNames(infoOf('{ syncs { id lastRun { status } } }'))).toEqual(
      new Set(['id', 'lastRun']),
    );
  });

  it('follows inline fragments and fragment spreads, a fragment used twice once', () => {
    const names = selectedFieldNames(
      infoOf(`{ syncs { ... on Sync { connection { id } } ...A ...A } }
        fragment A on Sync { mailingList { id } ...B } fragment B on Sync { name }`),
    );
    expect(names).toEqual(new Set(['connection', 'mailingList', 'name']));
  });

  it('is empty for a leaf and ignores a spread of an unknown fragment', () => {
    expect(selectedFieldNames(infoOf('{ version }'))).toEqual(new Set());
    expect(selectedFieldNames(infoOf('{ syncs { ...Missing } }'))).toEqual(new Set());
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
