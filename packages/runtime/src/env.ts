import { isAbsolute, resolve } from 'node:path';
import { parseAllowedHosts } from '@leadsync/core';
import { z } from 'zod';

/** `host`, `host:port` or `[IPv6]:port`, comma-separated (`@leadsync/core`'s `parseAllowedHosts`). */
const hostList = z
  .string()
  .transform((text, ctx) => {
    try {
      return parseAllowedHosts(text);
    } catch (error) {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `hosts or host:port entries (${(error as Error).message})`,
      });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.string()).min(1, 'at least one host'));

/**
 * The environment shared by every Leadsync process (DESIGN.md section 7). `invocationDir`: where relative paths
 * are taken from (the directory the command was typed in; the app says which, as only apps read `process.env`).
 */
export function commonEnvShape(invocationDir: string) {
  return {
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// or postgresql:// URL' })
      .optional()
      .describe('a postgres:// URL'),
    MONGODB_URL: z
      .url({ protocol: /^mongodb(\+srv)?$/, error: 'a mongodb:// or mongodb+srv:// URL' })
      .optional()
      .describe('a mongodb:// URL'),
    LEADSYNC_DATA_DIR: z
      .string()
      .min(1)
      .default('./.data')
      .transform((dir) => (isAbsolute(dir) ? dir : resolve(invocationDir, dir))),
    LEADSYNC_SECRET_KEY: z
      .string()
      .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, '32 bytes as 64 hex or 44 base64 characters')
      .optional(),
    /**
     * Where tenants may point the server (webhooks, `apiUrl`/`accountsUrl` overrides). Unset: nothing but the
     * sandbox simulator's own loopback port in the process that runs it (`loopbackPortHosts` of @leadsync/core).
     */
    LEADSYNC_ALLOWED_HOSTS: hostList.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  };
}

export type CommonEnvironment = z.infer<z.ZodObject<ReturnType<typeof commonEnvShape>>>;

/** The variables of a process that runs jobs (the worker, and the API with its embedded worker). */
export const workerEnvShape = {
  LEADSYNC_WORKER_CONNECTORS: z
    .string()
    .optional()
    .transform((text) =>
      text
        ?.split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  LEADSYNC_WORKER_CONCURRENCY: z.coerce
    .number({ error: 'a whole number from 1 to 64' })
    .int('a whole number from 1 to 64')
    .min(1, 'a whole number from 1 to 64')
    .max(64, 'a whole number from 1 to 64')
    .default(2),
  /** How long a job's lock lasts without a heartbeat; a killed worker's run is resumed by another after this. */
  LEADSYNC_WORKER_LOCK_LIFETIME_MS: z.coerce
    .number({ error: 'milliseconds, at least 1000' })
    .int('milliseconds, at least 1000')
    .min(1000, 'milliseconds, at least 1000')
    .default(60_000),
  /** How often the worker polls the job store (PostgreSQL also wakes it with NOTIFY at once). */
  LEADSYNC_WORKER_POLL_MS: z.coerce
    .number({ error: 'milliseconds, at least 100' })
    .int('milliseconds, at least 100')
    .min(100, 'milliseconds, at least 100')
    .default(5_000),
  /** How long SIGTERM waits for running pages to finish before the process exits anyway. */
  LEADSYNC_WORKER_DRAIN_TIMEOUT_MS: z.coerce
    .number({ error: 'milliseconds' })
    .int('milliseconds')
    .min(0, 'milliseconds')
    .default(30_000),
};

export type WorkerSettings = z.infer<z.ZodObject<typeof workerEnvShape>>;

/** The job side of a process that runs jobs, from its environment (`--connector` overrides the variable). */
export function workerOptionsFrom(env: WorkerSettings, connectors?: readonly string[]) {
  return {
    connectors: connectors?.length ? connectors : env.LEADSYNC_WORKER_CONNECTORS,
    concurrency: env.LEADSYNC_WORKER_CONCURRENCY,
    lockLifetimeMs: env.LEADSYNC_WORKER_LOCK_LIFETIME_MS,
    processEveryMs: env.LEADSYNC_WORKER_POLL_MS,
  };
}

export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

/**
 * Parses the environment once (the app passes `process.env`). The error is one line naming the variable and what
 * it expects, so an operator sees at a glance what to fix:
 * `Missing or invalid environment: PORT (expected an integer from 1 to 65535, got "x")`.
 */
export function parseEnvironment<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Readonly<Record<string, string | undefined>>,
): z.infer<z.ZodObject<Shape>> {
  // An empty variable means "not set": `PORT= pnpm start` must not fail on an empty string.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const given = present[name];
    const got =
      given === undefined
        ? 'unset'
        : `got ${JSON.stringify(given.length > 60 ? `${given.slice(0, 60)}…` : given)}`;
    return `${name} (expected ${issue.message.replace(/^Invalid input: /, '')}, ${got})`;
  });
  throw new EnvironmentError(`Missing or invalid environment: ${problems.join('; ')}`);
}
