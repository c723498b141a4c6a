import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from './connector.ts';
import { UnknownConnectorError } from './errors.ts';
import { createConnectorRegistry } from './registry.ts';

const fake = (id: string) =>
  defineConnector({
    id,
    displayName: id,
    credentialsSchema: z.object({}),
    settingsSchema: z.object({}),
    capabilities: { detectsDeletes: false },
    fields: async () => [],
    check: async () => ({}),
    listOrganizations: async () => [],
    read: async function* () {},
  });

describe('connector registry', () => {
  it('finds a registered connector by id and lists all of them', () => {
    const registry = createConnectorRegistry([fake('a'), fake('b')]);
    expect(registry.get('b').id).toBe('b');
    expect(registry.list().map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('names the unknown id in its error', () => {
    const registry = createConnectorRegistry([fake('a')]);
    expect(() => registry.get('nope')).toThrow(UnknownConnectorError);
    expect(() => registry.get('nope')).toThrow('"nope"');
  });

  it('refuses two connectors with one id', () => {
    expect(() => createConnectorRegistry([fake('a'), fake('a')])).toThrow('registered twice');
  });
});
