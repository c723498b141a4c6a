import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { type CliEnvironment, loadCliEnvironment } from './env.ts';
import { CliError } from './errors.ts';
import { formatCount, writeLine } from './format.ts';

// The commands, the engine and the database driver are loaded by the command that needs them: `--help` stays quick.

export interface CliIo {
  out: Writable;
  err: Writable;
  env?: NodeJS.ProcessEnv;
  /** Ctrl-C: the first stops a sync run after its page, so it can resume. */
  interrupts?: AbortSignal;
}

async function loggerFor(env: CliEnvironment, err: Writable) {
  const { createLogger } = await import('@leadsync/runtime');
  return createLogger(env.LOG_LEVEL, { service: 'leadsync-cli' }, err);
}

/** The `leadsync` program; `runCli` parses arguments with it and turns failures into messages and exit codes. */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const env = () => loadCliEnvironment(io.env);
  const program = new Command()
    .name('leadsync')
    .description(
      'Operator tool for Leadsync. Reads DATABASE_URL (unset: the embedded PostgreSQL in LEADSYNC_DATA_DIR), ' +
        'MONGODB_URL, LEADSYNC_DATA_DIR, LEADSYNC_SECRET_KEY, LEADSYNC_ALLOWED_HOSTS and LOG_LEVEL.',
    )
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => io.out.write(text),
      writeErr: (text) => io.err.write(text),
    })
    .exitOverride();

  program
    .command('migrate')
    .description('apply the pending database migrations and prepare the job store')
    .action(async () => {
      const config = env();
      const logger = await loggerFor(config, io.err);
      const { openServer } = await import('./database.ts');
      const { migrate, prepareJobStore } = await import('./commands/migrate.ts');
      const server = await openServer(config, logger);
      try {
        await migrate(
          { databaseUrl: server.url, prepareJobStore: () => prepareJobStore(server.url, config.MONGODB_URL) },
          io.out,
        );
      } finally {
        if (server.owned) await server.stop();
      }
    });

  program
    .command('doctor')
    .description('check the database, migrations, job store, secret key and every connection’s account key')
    .option('--timeout <seconds>', 'how long each connection’s source may take to answer', '20')
    .action(async (options: { timeout: string }) => {
      const config = env();
      const timeout = Number(options.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0)
        throw new CliError('--timeout takes a number of seconds.');
      const logger = await loggerFor(config, io.err);
      const { openServer } = await import('./database.ts');
      const { readSecretKey, SecretKeyMissingError } = await import('@leadsync/runtime');
      const { doctor } = await import('./commands/doctor.ts');
      const result = await doctor(
        {
          openDatabase: () => openServer(config, logger),
          mongodbUrl: config.MONGODB_URL,
          secretKey: async () => {
            try {
              return await readSecretKey(config);
            } catch (error) {
              if (error instanceof SecretKeyMissingError) return undefined;
              throw error;
            }
          },
          allowedHosts: config.LEADSYNC_ALLOWED_HOSTS ?? [],
          logger,
          checkTimeoutMs: timeout * 1000,
        },
        io.out,
      );
      if (!result.ok) setExitCode(1);
    });

  const sync = program.command('sync').description('run and list syncs');
  sync
    .command('run')
    .description(
      'queue a manual run of a sync and execute it here, with a progress bar and the report at the end',
    )
    .argument('<syncId>', 'the sync to run')
    .option('--org <id>', 'the organization the sync must belong to (default: the sync’s own)')
    .option(
      '--estimate',
      'ask the source for the record count first, for a bar with a percentage (costs requests)',
    )
    .action(async (syncId: string, options: { org?: string; estimate?: boolean }) => {
      const config = env();
      const logger = await loggerFor(config, io.err);
      const { openCliRuntime } = await import('./database.ts');
      const { runSync } = await import('./commands/sync-run.ts');
      const { progressBar } = await import('./progress.ts');
      const runtime = await openCliRuntime(config, logger);
      try {
        const result = await runSync(
          {
            db: runtime.db,
            sql: runtime.database.sql,
            engine: runtime.engine,
            registry: runtime.registry,
            progress: progressBar(io.err),
            signal: io.interrupts,
            estimate: options.estimate,
          },
          syncId,
          { organizationId: options.org },
          io.out,
        );
        if (result.interrupted) setExitCode(130);
        else if (result.run.status === 'failed') setExitCode(1);
      } finally {
        await runtime.close();
      }
    });

  sync
    .command('list')
    .description('list the syncs: id, name, connector, status, next run')
    .option('--org <id>', 'only this organization’s syncs')
    .action(async (options: { org?: string }) => {
      const config = env();
      const { openCliDatabase } = await import('./database.ts');
      const { listSyncs } = await import('./commands/sync-list.ts');
      const database = await openCliDatabase(config, await loggerFor(config, io.err));
      try {
        await listSyncs(database.db, { organizationId: options.org }, io.out);
      } finally {
        await database.close();
      }
    });

  const csv = program.command('csv').description('CSV files for CSV connections');
  csv
    .command('upload')
    .description(
      'store a CSV file (any size, 1 MiB at a time, with its SHA-256), show what was detected in it, and ' +
        'optionally point a connection at it',
    )
    .argument('<file>', 'the CSV file')
    .option('--org <id>', 'the organization (default: the connection’s, or the only one)')
    .option('--connection <id>', 'the CSV connection that reads this file from its next run')
    .option('--resume <uploadId>', 'go on with an upload of the same file that stopped')
    .option('--max-mb <megabytes>', 'refuse larger files', '500')
    .action(
      async (
        file: string,
        options: { org?: string; connection?: string; resume?: string; maxMb: string },
      ) => {
        const maxMb = Number(options.maxMb);
        if (!Number.isFinite(maxMb) || maxMb <= 0)
          throw new CliError('--max-mb takes a number of megabytes.');
        const config = env();
        const logger = await loggerFor(config, io.err);
        const { openCliRuntime } = await import('./database.ts');
        const { uploadFile } = await import('./commands/file-upload.ts');
        const { uploadProgressBar } = await import('./progress.ts');
        const runtime = await openCliRuntime(config, logger);
        try {
          await uploadFile(
            {
              db: runtime.db,
              engine: runtime.engine,
              registry: runtime.registry,
              progress: uploadProgressBar(io.err),
            },
            resolve(config.invocationDir, file),
            {
              connectorId: 'csv',
              organizationId: options.org,
              connectionId: options.connection,
              resumeId: options.resume,
              maxBytes: Math.floor(maxMb * 1024 * 1024),
            },
            io.out,
          );
        } finally {
          await runtime.close();
        }
      },
    );

  program
    .command('export-run')
    .description('export every record of a run: source_id,email,outcome,reason,suggestion')
    .argument('<runId>', 'the run to export')
    .option('--csv', 'as CSV (RFC 4180, with a header line); the only format so far')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (runId: string, options: { csv?: boolean; out?: string }) => {
      if (!options.csv) throw new CliError('Choose the format: `leadsync export-run <runId> --csv`.');
      const config = env();
      const { openCliDatabase } = await import('./database.ts');
      const { exportRunCsv, exportRunCsvToFile } = await import('./commands/export-run.ts');
      const database = await openCliDatabase(config, await loggerFor(config, io.err));
      try {
        if (options.out) {
          const path = resolve(config.invocationDir, options.out);
          const count = await exportRunCsvToFile(database.db, runId, path);
          writeLine(io.err, `Wrote ${formatCount(count)} records to ${path}`);
        } else {
          await exportRunCsv(database.db, runId, io.out);
        }
      } finally {
        await database.close();
      }
    });

  return program;
}

/** Runs the program on `argv` (as `process.argv`) and returns the exit code; messages go to `io.err`. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err.write(`leadsync: ${await describeError(error)}\n`);
    return 1;
  }
}

/** The message alone for the errors written for people; the stack for anything unexpected. */
async function describeError(error: unknown): Promise<string> {
  const { EmbeddedPostgresError, SecretBoxError } = await import('@leadsync/db');
  const { EngineError } = await import('@leadsync/engine');
  const { EnvironmentError, SecretKeyMissingError } = await import('@leadsync/runtime');
  if (
    error instanceof CliError ||
    error instanceof EnvironmentError ||
    error instanceof EngineError ||
    error instanceof SecretKeyMissingError ||
    error instanceof SecretBoxError ||
    error instanceof EmbeddedPostgresError
  ) {
    return error.message;
  }
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  if (/^relation ".+" does not exist$/.test(cause)) {
    return `The database has no Leadsync schema (${cause}): run \`leadsync migrate\` first.`;
  }
  // drizzle wraps the driver's error ("Failed query: …"): its cause says what went wrong.
  let text = error.stack ?? error.message;
  for (let cause = error.cause; cause; cause = cause instanceof Error ? cause.cause : undefined) {
    text += `\nCaused by: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  return text;
}
