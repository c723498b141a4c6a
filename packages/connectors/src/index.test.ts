import { describe, expect, it } from 'vitest';
import { connectorRegistry, connectorSandboxes } from './index.ts';
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

describe('the sandboxes', () => {
  it.each(connectorSandboxes.map((sandbox) => [sandbox.connectionName, sandbox] as const))(
    '%s starts a connection its connector accepts, the key shown masked',
    async (_name, sandbox) => {
      const running = await sandbox.start();
      try {
        const connector = connectorRegistry.get(sandbox.connectorId);
        const ctx = {
          credentials: connector.credentialsSchema.parse(running.credentials),
          settings: connector.settingsSchema.parse(running.settings),
          logger: { debug() {}, info() {}, warn() {}, error() {} },
          allowedHosts: running.allowedHosts,
        };
        const account = await connector.check(ctx);
        expect(account.primaryEmail).toBe(running.primaryEmail);
        expect(running.maskedKey).toBe(connector.maskedKey?.(ctx.credentials));
        expect(running.maskedKey).toMatch(/^•+/);
      } finally {
        await running.close();
      }
    },
  );
});
