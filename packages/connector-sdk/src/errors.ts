/**
 * Errors every connector throws. `message` is for logs and operators; `userMessage` is safe to show a
 * marketer. Neither may carry a secret.
 */
export type ConnectorErrorCode =
  | 'invalid_credentials'
  | 'rate_limited'
  | 'quota_reached'
  | 'missing_permission'
  | 'source_unavailable'
  | 'bad_source_data'
  | 'invalid_configuration'
  | 'unknown_connector';

export abstract class ConnectorError extends Error {
  abstract readonly code: ConnectorErrorCode;
  /** Worth trying again later without a change by a person. */
  abstract readonly retryable: boolean;
  readonly userMessage: string;

  constructor(message: string, userMessage = message, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.userMessage = userMessage;
  }
}

/** The source refused the account key: the engine deactivates every sync of the connection. */
export class InvalidCredentialsError extends ConnectorError {
  readonly code = 'invalid_credentials';
  readonly retryable = false;
  constructor(
    message: string,
    userMessage?: string,
    /** The credentials key at fault (`refreshToken`, `clientId`), when the source says which. */
    readonly field?: string,
  ) {
    super(message, userMessage);
  }
}

export class RateLimitedError extends ConnectorError {
  readonly code = 'rate_limited';
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    userMessage = 'The source asked us to slow down; nothing is lost: the next run reads again from the last successful one.',
  ) {
    super(message, userMessage);
  }
}

/**
 * The source account's daily quota, less the reserve kept for its other uses, is spent. Not a failure: the run stops
 * after its last committed unit and waits (`waiting`) until `resumeAt`, when the source resets the quota.
 */
export class QuotaReachedError extends ConnectorError {
  readonly code = 'quota_reached';
  readonly retryable = true;
  constructor(
    message: string,
    readonly resumeAt: Date,
    userMessage = 'daily API quota of the source account reached',
  ) {
    super(message, userMessage);
  }
}

/** A source answered that the key is valid but lacks a permission or scope: a person must grant it. */
export class MissingPermissionError extends ConnectorError {
  readonly code = 'missing_permission';
  readonly retryable = false;
}

export class SourceUnavailableError extends ConnectorError {
  readonly code = 'source_unavailable';
  readonly retryable = true;
}

/** One source record that does not have the expected shape; the run records it instead of crashing. */
export class BadSourceDataError extends ConnectorError {
  readonly code = 'bad_source_data';
  readonly retryable = false;
  constructor(
    message: string,
    readonly record: unknown,
    userMessage = 'The source sent a record we could not read.',
  ) {
    super(message, userMessage);
  }
}

/** Settings or credentials that fail validation before any request (bad CSV, a host that is not allowed). */
export class InvalidConfigurationError extends ConnectorError {
  readonly code = 'invalid_configuration';
  readonly retryable = false;
  constructor(
    message: string,
    readonly field?: string,
    userMessage = message,
  ) {
    super(message, userMessage);
  }
}

export class UnknownConnectorError extends ConnectorError {
  readonly code = 'unknown_connector';
  readonly retryable = false;
  constructor(readonly connectorId: string) {
    super(`Unknown connector "${connectorId}"`);
  }
}
