import { isAbsolute, resolve } from 'node:path';
import { commonEnvShape, parseEnvironment } from '@leadsync/worker/env';
import { z } from 'zod';

/** The CLI reads the variables every Leadsync process reads (DESIGN.md section 7); nothing else reads `process.env`. */
export const cliEnvShape = {
  ...commonEnvShape,
  /** Quieter than the servers: the CLI's own output is the report; logs go to stderr. */
  LOG_LEVEL: commonEnvShape.LOG_LEVEL.unwrap().default('warn'),
};

export type CliEnvironment = z.infer<z.ZodObject<typeof cliEnvShape>> & {
  /** The directory the command was typed in: relative paths (`--out`, `LEADSYNC_DATA_DIR`) are taken from there. */
  invocationDir: string;
};

/**
 * Where the operator typed the command. `pnpm leadsync …` (a root script) says so in INIT_CWD; `pnpm --filter
 * @leadsync/cli exec leadsync …` runs in the package's folder and sets no INIT_CWD, but leaves the shell's PWD.
 */
export function invocationDirectory(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  if (env.INIT_CWD) return env.INIT_CWD;
  if (env.npm_command === 'exec' && env.PWD && isAbsolute(env.PWD)) return env.PWD;
  return cwd;
}

export function loadCliEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): CliEnvironment {
  const invocationDir = invocationDirectory(env, cwd);
  // Resolved here rather than by the shared module, which only knows INIT_CWD: the CLI must find the same embedded
  // database as `pnpm start` typed in the same directory.
  const dataDir = resolve(invocationDir, env.LEADSYNC_DATA_DIR || './.data');
  return { ...parseEnvironment(cliEnvShape, { ...env, LEADSYNC_DATA_DIR: dataDir }), invocationDir };
}
