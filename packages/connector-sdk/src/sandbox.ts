/**
 * What a connector may offer `pnpm start`: a simulator of its source, started on a port of its own and offered as a
 * ready connection named `connectionName` (created on the first start, brought up to date on the next ones).
 */
export interface ConnectorSandbox {
  /** The connector the connection is of (its `id`). */
  connectorId: string;
  /** The connection's name, the same on every start (the connection is found again by it). */
  connectionName: string;
  start(): Promise<RunningConnectorSandbox>;
}

export interface RunningConnectorSandbox {
  /** Sealed into the connection; valid for the connector's credentials schema. */
  credentials: Record<string, string>;
  /** The connection's settings (the simulator's URLs: they change from start to start). */
  settings: Record<string, unknown>;
  primaryEmail?: string | undefined;
  /** The key to show masked (the connector's `maskedKey` of the credentials). */
  maskedKey?: string | undefined;
  /** The hosts the process must allow for the connection to work (`loopbackPortHosts` of the simulator's port). */
  allowedHosts: string[];
  /** Logged once the connection is ready (no credential, no user data: the simulator's URL is enough). */
  logInfo?: Record<string, unknown>;
  close(): Promise<void>;
}
