import { unwrapResolverError } from '@apollo/server/errors';
import { ConnectorError } from '@leadsync/connector-sdk';
import { DuplicateMailingListError, InvalidCursorError } from '@leadsync/db';
import { EngineError } from '@leadsync/engine';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** What went wrong, in the domain's words; mapped to a GraphQL `extensions.code` in exactly one place. */
export enum DomainErrorCode {
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  InvalidInput = 'invalid_input',
  NotFound = 'not_found',
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
}

export interface DomainErrorOptions {
  /** The input field that is wrong (`input.fieldMapping`, `credentials`, …). */
  field?: string;
  /** For `rate_limited`: when to try again. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** An error whose message is safe to show the caller. Services throw these; nothing else reaches a client. */
export class DomainError extends Error {
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string, id?: string) =>
  new DomainError(
    DomainErrorCode.NotFound,
    id ? `${what} ${JSON.stringify(id)} not found` : `${what} not found`,
  );

export const badInput = (field: string, message: string) =>
  new DomainError(DomainErrorCode.InvalidInput, message, { field });

export const conflict = (message: string) => new DomainError(DomainErrorCode.Conflict, message);

export const forbidden = (message: string) => new DomainError(DomainErrorCode.Forbidden, message);

function assertUnreachable(value: never): never {
  throw new Error(`Unhandled error code: ${String(value)}`);
}

export interface GraphQLErrorShape {
  code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED';
  /** The HTTP status when the error ends the whole request (authentication, rate limit). */
  status: number;
}

/** The one place that decides how a domain error looks to a client. */
export function graphqlShapeOf(code: DomainErrorCode): GraphQLErrorShape {
  switch (code) {
    case DomainErrorCode.Unauthenticated:
      return { code: 'UNAUTHENTICATED', status: 401 };
    case DomainErrorCode.Forbidden:
      return { code: 'FORBIDDEN', status: 403 };
    case DomainErrorCode.InvalidInput:
      return { code: 'BAD_USER_INPUT', status: 400 };
    case DomainErrorCode.NotFound:
      return { code: 'NOT_FOUND', status: 404 };
    case DomainErrorCode.Conflict:
      return { code: 'CONFLICT', status: 409 };
    case DomainErrorCode.RateLimited:
      return { code: 'RATE_LIMITED', status: 429 };
    default:
      return assertUnreachable(code);
  }
}

/** A request-level GraphQLError (thrown from the context function) with its HTTP status. */
export function toRequestError(error: DomainError): GraphQLError {
  const shape = graphqlShapeOf(error.code);
  const headers = new Map<string, string>();
  if (error.retryAfterSeconds !== undefined) headers.set('retry-after', String(error.retryAfterSeconds));
  return new GraphQLError(error.message, {
    extensions: {
      code: shape.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
      http: { status: shape.status, headers },
    },
  });
}

/** An engine error's meaning for a client; its message is user-safe (EngineError). */
function engineDomainError(error: EngineError): DomainError {
  switch (error.code) {
    case 'not_found':
      return new DomainError(DomainErrorCode.NotFound, error.message);
    case 'invalid_input':
      return new DomainError(DomainErrorCode.InvalidInput, error.message, { field: 'id' });
    case 'conflict':
      return new DomainError(DomainErrorCode.Conflict, error.message);
    default:
      return assertUnreachable(error.code);
  }
}

/** A connector error's meaning for a client (its `userMessage`), or undefined: internal. */
function connectorDomainError(error: ConnectorError): DomainError | undefined {
  switch (error.code) {
    case 'invalid_credentials':
      return new DomainError(DomainErrorCode.InvalidInput, error.userMessage, { field: 'credentials' });
    case 'invalid_configuration': {
      const field = (error as ConnectorError & { field?: string }).field;
      return new DomainError(DomainErrorCode.InvalidInput, error.userMessage, { field: field ?? 'settings' });
    }
    case 'unknown_connector':
      return new DomainError(DomainErrorCode.InvalidInput, error.userMessage, { field: 'connector' });
    case 'rate_limited':
    case 'source_unavailable':
    case 'bad_source_data':
      return new DomainError(DomainErrorCode.Conflict, error.userMessage);
    case 'quota_reached':
    case 'missing_permission':
      return undefined;
    default:
      return assertUnreachable(error.code);
  }
}

/**
 * Errors of the packages below (connectors, repositories, engine) that carry a user-safe meaning become domain
 * errors, matched by class; anything else is internal and stays `undefined`.
 */
export function asDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (error instanceof ConnectorError) return connectorDomainError(error);
  if (error instanceof EngineError) return engineDomainError(error);
  if (error instanceof InvalidCursorError)
    return new DomainError(DomainErrorCode.InvalidInput, 'Invalid pagination cursor', { field: 'after' });
  if (error instanceof DuplicateMailingListError)
    return new DomainError(DomainErrorCode.Conflict, error.message);
  return undefined;
}

/** graphql-js's messages for a literal value that its argument's type refuses (ValuesOfCorrectTypeRule). */
const VALUE_OUT_OF_TYPE =
  /cannot represent|^Expected value of type|^Enum ".*" cannot|^Field ".*" of required type/;

export interface ErrorLogger {
  error(obj: object, msg?: string): void;
}

/**
 * Apollo's `formatError`: a domain error keeps its message with its code (and field); GraphQL's own errors
 * (validation, parsing, bad variables) pass as they are; anything else is an internal error whose message, stack
 * and SQL stay in the log.
 */
export function createFormatError(logger: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const domain = asDomainError(original);
    if (domain) {
      const shape = graphqlShapeOf(domain.code);
      return {
        message: domain.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: {
          code: shape.code,
          ...(domain.field ? { field: domain.field } : {}),
          ...(domain.retryAfterSeconds !== undefined ? { retryAfterSeconds: domain.retryAfterSeconds } : {}),
        },
      };
    }
    const code = formatted.extensions?.code;
    if (code === 'GRAPHQL_VALIDATION_FAILED' && VALUE_OUT_OF_TYPE.test(formatted.message)) {
      // A literal argument that does not fit its type (an Int beyond 32 bits, `first: 1e9`): bad input, as the same
      // value given as a variable is.
      return {
        message: formatted.message,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    if (original instanceof GraphQLError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'internal error in a GraphQL request');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
