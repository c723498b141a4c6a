/** What an engine error means for a caller; the API maps each code to a GraphQL `extensions.code`. */
export type EngineErrorCode = 'not_found' | 'invalid_input' | 'conflict';

/** An error whose `message` is safe to show a user (no secrets, no internals). */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends EngineError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} was not found`);
  }
}

/** Undo refused: a failed, dry, already undone or not-latest run. */
export class UndoRefusedError extends EngineError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}
