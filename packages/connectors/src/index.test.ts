import { describe, expect, it } from 'vitest';
import { connectorRegistry } from './index.ts';
import { fastRegistry } from './testing.ts';

describe('the connector registry', () => {
  it('finds every connector it lists by its id', () => {
    const connectors = connectorRegistry.list();
    expect(connectors.length).toBeGreaterThan(0);
    for (const connector of connectors) expect(connectorRegistry.get(connector.id)).toBe(connector);
  });

  it('has the same connectors, by id, in its fast test variant', () => {
    const ids = (registry: typeof connectorRegistry) =>
      registry
        .list()
        .map((connector) => connector.id)
        .sort();
    expect(ids(fastRegistry())).toEqual(ids(connectorRegistry));
  });
});
