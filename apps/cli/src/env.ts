import { isAbsolute } from 'node:path';
import { commonEnvShape, parseEnvironment } from '@leadsync/runtime';
import { z } from 'zod';

/** The CLI reads the variables every Leadsync process reads (DESIGN.md section 7); nothing else reads `process.env`. */
function cliEnvShape(invocationDir: string) {
  const common = commonEnvShape(invocationDir);
  return {
    ...common,
    /** Quieter than the servers: the CLI's own output is the report; logs go to stderr. */
    LOG_LEVEL: common.LOG_LEVEL.unwrap().default('warn'),
  };
}

export type CliEnvironment = z.infer<z.ZodObject<ReturnType<typeof cliEnvShape>>> & {
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
  // The CLI must find the same embedded database as `pnpm start` typed in the same directory.
  return { ...parseEnvironment(cliEnvShape(invocationDir), env), invocationDir };
}
