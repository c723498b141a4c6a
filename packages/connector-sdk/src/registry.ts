import type { AnyConnector } from './connector.ts';
import { UnknownConnectorError } from './errors.ts';

export interface ConnectorRegistry {
  get(id: string): AnyConnector;
  has(id: string): boolean;
  list(): AnyConnector[];
}

/** A static registry: the apps list connectors without knowing any of them by name. */
export function createConnectorRegistry(connectors: readonly AnyConnector[]): ConnectorRegistry {
  const byId = new Map<string, AnyConnector>();
  for (const connector of connectors) {
    if (byId.has(connector.id)) throw new Error(`Connector "${connector.id}" is registered twice`);
    byId.set(connector.id, connector);
  }
  return {
    get(id) {
      const connector = byId.get(id);
      if (!connector) throw new UnknownConnectorError(id);
      return connector;
    },
    has: (id) => byId.has(id),
    list: () => [...byId.values()],
  };
}
