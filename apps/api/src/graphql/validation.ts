import type { z } from 'zod';
import { DomainError, DomainErrorCode } from './errors.ts';

/** Parses input with zod; the first problem becomes a `BAD_USER_INPUT` naming the field (`input.schedule.time`). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [root, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  throw new DomainError(
    DomainErrorCode.InvalidInput,
    `Invalid ${path}: ${issue?.message ?? 'invalid value'}`,
    {
      field: path,
    },
  );
}
