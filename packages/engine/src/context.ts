import {
  type AnyConnector,
  type CheckResult,
  type ConnectorContext,
  type ConnectorFiles,
  type ConnectorRegistry,
  createHttpClient,
  InvalidConfigurationError,
  type Logger,
  type RequestBudget,
} from '@leadsync/connector-sdk';
import type { SecretBox } from '@leadsync/db';
import type { Connection } from '@leadsync/db/schema';
import type { z } from 'zod';

export interface ContextDeps {
  secretBox: SecretBox;
  registry: ConnectorRegistry;
  allowedHosts: readonly string[];
  logger: Logger;
  /** The organization's uploaded files, for connectors whose settings name one (createEngine: from the database). */
  files?: (organizationId: string) => ConnectorFiles;
  /** The request budget of every source account, shared by every process (the engine's: in PostgreSQL). */
  requestBudget?: RequestBudget;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: 'credentials' | 'settings'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.');
  const field = path ? `${what}.${path}` : what;
  throw new InvalidConfigurationError(`Invalid ${field}: ${issue?.message ?? 'invalid'}`, field);
}

/** A connector context from plain credentials and settings, both validated with the connector's schemas. */
export function buildContext(
  deps: ContextDeps,
  connector: AnyConnector,
  credentials: unknown,
  settings: unknown,
  signal?: AbortSignal,
  organizationId?: string,
): ConnectorContext<unknown, unknown> {
  return {
    credentials: parse(connector.credentialsSchema, credentials, 'credentials'),
    settings: parse(connector.settingsSchema, settings ?? {}, 'settings'),
    logger: deps.logger,
    allowedHosts: deps.allowedHosts,
    signal,
    files: organizationId === undefined ? undefined : deps.files?.(organizationId),
    http: createHttpClient({ budget: deps.requestBudget, logger: deps.logger, signal }),
  };
}

/** Decrypts a connection's credentials (associated data: the connection id) and parses its settings. */
export function connectionContext(
  deps: ContextDeps,
  connection: Connection,
  signal?: AbortSignal,
): ConnectorContext<unknown, unknown> {
  const connector = deps.registry.get(connection.connectorId);
  const credentials = deps.secretBox.openJson(connection.credentialsEncrypted, connection.id);
  return buildContext(deps, connector, credentials, connection.settings, signal, connection.organizationId);
}

export async function checkCredentials(
  deps: ContextDeps,
  connectorId: string,
  credentials: unknown,
  settings: unknown,
  organizationId?: string,
): Promise<CheckResult> {
  const connector = deps.registry.get(connectorId);
  return connector.check(buildContext(deps, connector, credentials, settings, undefined, organizationId));
}
