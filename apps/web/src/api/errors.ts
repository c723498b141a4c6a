import type { CombinedError } from '@urql/core';

export interface FieldError {
  /** The input field the API blamed (`extensions.field`), normalized: `input.schedule.time` → `schedule.time`. */
  field: string | null;
  message: string;
}

export function errorCode(error: CombinedError | undefined | null): string | null {
  const code = error?.graphQLErrors[0]?.extensions?.code;
  if (typeof code === 'string') return code;
  const status = (error?.response as { status?: number } | undefined)?.status;
  if (status === 401) return 'UNAUTHENTICATED';
  return null;
}

export function isUnauthenticated(error: CombinedError | undefined | null): boolean {
  return errorCode(error) === 'UNAUTHENTICATED';
}

export function normalizeField(field: unknown): string | null {
  if (typeof field !== 'string' || field === '') return null;
  return field.replace(/^input\./, '');
}

/** The API's BAD_USER_INPUT errors, each with the field it names if it named one. */
export function fieldErrors(error: CombinedError | undefined | null): FieldError[] {
  if (!error) return [];
  return error.graphQLErrors
    .filter((e) => e.extensions?.code === 'BAD_USER_INPUT')
    .map((e) => ({ field: normalizeField(e.extensions?.field), message: e.message }));
}

/** A message for the user: the API's own words for bad input, a plain sentence otherwise. */
export function errorMessage(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  if (error.networkError) return `Could not reach the server (${error.networkError.message}).`;
  return error.message;
}
