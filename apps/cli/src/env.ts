import { commonEnvShape, parseEnvironment } from '@leadsync/worker/env';
import { z } from 'zod';

/** The CLI reads the variables every Leadsync process reads (DESIGN.md section 7); nothing else reads `process.env`. */
export const cliEnvShape = {
  ...commonEnvShape,
  /** Quieter than the servers: the CLI's own output is the report; logs go to stderr. */
  LOG_LEVEL: commonEnvShape.LOG_LEVEL.unwrap().default('warn'),
  /** Set by pnpm to the directory the command was typed in; relative `--out` paths are taken from there. */
  INIT_CWD: z.string().min(1).optional(),
};

export type CliEnvironment = z.infer<z.ZodObject<typeof cliEnvShape>>;

export function loadCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return parseEnvironment(cliEnvShape, env);
}
