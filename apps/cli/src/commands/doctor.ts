import type { ConnectorRegistry, Logger } from '@leadsync/connector-sdk';
import {
  createDatabase,
  listConnectionsAcrossOrganizations,
  SecretBox,
  serverVersion,
  tableExists,
} from '@leadsync/db';
import type { Connection } from '@leadsync/db/schema';
import { createProcessEngine } from '@leadsync/runtime';
import { redactUrl, type Writer, writeLine } from '../format.ts';
import { checkConnection, errorMessage as message } from './doctor-connection.ts';
import { migrationStatus } from './migrate.ts';

export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface DoctorCheck {
  status: CheckStatus;
  name: string;
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

export interface DoctorDeps {
  /** Opens (or finds) the database server; a rejection is reported as an unreachable database. */
  openDatabase(): Promise<{ url: string; stop(): Promise<void> }>;
  /** Set: the job store is this MongoDB instead of the Agenda table in PostgreSQL. */
  mongodbUrl?: string;
  /** The server's secret key; `undefined` when none is configured; throws when one is configured but unusable. */
  secretKey(): Promise<{ key: Buffer; source: string } | undefined>;
  allowedHosts: readonly string[];
  logger: Logger;
  registry?: ConnectorRegistry;
  /** Per connection check against its source; default 20 s. */
  checkTimeoutMs?: number;
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

const SYMBOL: Record<CheckStatus, string> = { ok: '✓', fail: '✗', skip: '–' };
const CHECK_CONCURRENCY = 4;

/**
 * `leadsync doctor`: the database and its migrations, the job store, the secret key and every stored connection's
 * credentials and account key. Prints a table; `ok` is false when any check failed.
 */
export async function doctor(deps: DoctorDeps, out: Writer): Promise<DoctorResult> {
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => checks.push(check);
  const skip = (name: string, detail: string) => add({ status: 'skip', name, detail });

  let server: { url: string; stop(): Promise<void> } | undefined;
  try {
    server = await deps.openDatabase();
    const version = await serverVersion(server.url);
    add({ status: 'ok', name: 'database', detail: `PostgreSQL ${version} at ${redactUrl(server.url)}` });
  } catch (error) {
    add({
      status: 'fail',
      name: 'database',
      detail: `not reachable: ${message(error)}`,
      fix: 'check DATABASE_URL and that PostgreSQL runs (unset DATABASE_URL: the embedded server in LEADSYNC_DATA_DIR)',
    });
    await server?.stop().catch(() => {});
    server = undefined;
  }

  try {
    let schemaReady = false;
    if (server) {
      const status = await migrationStatus(server.url);
      if (status.pending.length > 0) {
        add({
          status: 'fail',
          name: 'migrations',
          detail: `${status.pending.length} of ${status.files.length} pending: ${status.pending.join(', ')}`,
          fix: 'run `leadsync migrate` (the server also migrates on start)',
        });
      } else if (status.unknown > 0) {
        add({
          status: 'fail',
          name: 'migrations',
          detail: `the database has ${status.unknown} migration(s) this Leadsync does not know`,
          fix: 'run the Leadsync version that migrated this database (or a newer one)',
        });
      } else {
        add({ status: 'ok', name: 'migrations', detail: `all ${status.files.length} applied` });
      }
      schemaReady = status.pending.length === 0;
    } else {
      skip('migrations', 'needs the database');
    }

    add(await checkJobStore(deps, server?.url));

    let key: { key: Buffer; source: string } | undefined;
    let keyError: unknown;
    try {
      key = await deps.secretKey();
    } catch (error) {
      keyError = error;
    }

    if (!server || !schemaReady) {
      if (keyError) add(secretKeyFailure(keyError));
      else if (key) add({ status: 'ok', name: 'secret key', detail: `loaded from ${key.source}` });
      else skip('secret key', 'none configured');
      skip('connections', server ? 'needs the migrated schema' : 'needs the database');
      return finish(checks, out);
    }

    const handle = createDatabase(server.url, { max: CHECK_CONCURRENCY, applicationName: 'leadsync-doctor' });
    try {
      const rows = await listConnectionsAcrossOrganizations(handle.db);

      if (keyError) {
        add(secretKeyFailure(keyError));
      } else if (!key) {
        add(
          rows.length === 0
            ? {
                status: 'ok',
                name: 'secret key',
                detail: 'none yet and no stored credentials (generated on first start)',
              }
            : {
                status: 'fail',
                name: 'secret key',
                detail: `none configured, but ${rows.length} connection(s) hold encrypted credentials`,
                fix: 'set LEADSYNC_SECRET_KEY to the server’s key, or LEADSYNC_DATA_DIR to the directory holding secret.key',
              },
        );
      } else {
        add({ status: 'ok', name: 'secret key', detail: `loaded from ${key.source}` });
      }
      if (rows.length === 0) {
        add({ status: 'ok', name: 'connections', detail: 'none stored' });
        return finish(checks, out);
      }
      if (!key) {
        skip('connections', `${rows.length} stored; need the secret key`);
        return finish(checks, out);
      }

      const secretBox = new SecretBox(key.key);
      const engine = createProcessEngine({
        db: handle.db,
        secretBox,
        registry: deps.registry,
        allowedHosts: deps.allowedHosts,
        logger: deps.logger,
      });
      const opened: { connection: Connection; label: string; credentials: unknown }[] = [];
      const unreadable: DoctorCheck[] = [];
      for (const { connection, organizationName } of rows) {
        const label = `connection "${connection.name}" (${connection.connectorId}, ${organizationName})`;
        try {
          opened.push({
            connection,
            label,
            credentials: secretBox.openJson(connection.credentialsEncrypted, connection.id),
          });
        } catch (error) {
          unreadable.push({
            status: 'fail',
            name: label,
            detail: `credentials cannot be opened: ${message(error)}`,
            fix: 'use the secret key that sealed them, or enter the connection’s key again in the console',
          });
        }
      }
      add(
        unreadable.length === 0
          ? {
              status: 'ok',
              name: 'credentials',
              detail: `all ${rows.length} connection(s) open with the key`,
            }
          : {
              status: 'fail',
              name: 'credentials',
              detail: `${unreadable.length} of ${rows.length} connection(s) cannot be opened with the key`,
              fix: 'see the connection lines below',
            },
      );
      checks.push(...unreadable);

      const timeoutMs = deps.checkTimeoutMs ?? 20_000;
      const results: DoctorCheck[] = new Array(opened.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < opened.length; i = next++) {
          const item = opened[i]!;
          results[i] = await checkConnection(item.connection, item.label, timeoutMs, () =>
            engine.checkCredentials(
              item.connection.connectorId,
              item.credentials,
              item.connection.settings,
              item.connection.organizationId,
            ),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, opened.length) }, worker));
      checks.push(...results);
    } finally {
      await handle.close();
    }
    return finish(checks, out);
  } finally {
    await server?.stop().catch(() => {});
  }
}

function secretKeyFailure(error: unknown): DoctorCheck {
  return {
    status: 'fail',
    name: 'secret key',
    detail: `cannot be loaded: ${message(error)}`,
    fix: 'LEADSYNC_SECRET_KEY (or secret.key) must be 32 bytes as 64 hex or 44 base64 characters',
  };
}

async function checkJobStore(deps: DoctorDeps, databaseUrl: string | undefined): Promise<DoctorCheck> {
  const name = 'job store';
  if (deps.mongodbUrl) {
    const { openJobStore } = await import('@leadsync/jobs');
    try {
      const store = await openJobStore({ databaseUrl: databaseUrl ?? '', mongodbUrl: deps.mongodbUrl });
      await store.close();
      return { status: 'ok', name, detail: `MongoDB reachable at ${redactUrl(deps.mongodbUrl)}` };
    } catch (error) {
      return {
        status: 'fail',
        name,
        detail: `MongoDB not reachable: ${message(error)}`,
        fix: 'check MONGODB_URL and that MongoDB runs (unset MONGODB_URL: jobs are kept in PostgreSQL)',
      };
    }
  }
  if (!databaseUrl) return { status: 'skip', name, detail: 'PostgreSQL job store needs the database' };
  const { JOBS_TABLE } = await import('@leadsync/jobs');
  return (await tableExists(databaseUrl, JOBS_TABLE))
    ? { status: 'ok', name, detail: `Agenda table ${JOBS_TABLE} present (PostgreSQL)` }
    : {
        status: 'fail',
        name,
        detail: `Agenda table ${JOBS_TABLE} missing (PostgreSQL)`,
        fix: 'run `leadsync migrate` (or start a worker once)',
      };
}

/** One line per check (`✓ name  detail`), and under a failed one the fix, indented. */
export function formatChecks(checks: readonly DoctorCheck[]): string {
  const nameWidth = Math.max(...checks.map((check) => [...check.name].length));
  let text = '';
  for (const check of checks) {
    text += `${SYMBOL[check.status]} ${check.name.padEnd(nameWidth)}  ${check.detail}\n`;
    if (check.fix) text += `  ${' '.repeat(nameWidth)}  ↳ fix: ${check.fix}\n`;
  }
  return text;
}

function finish(checks: DoctorCheck[], out: Writer): DoctorResult {
  out.write(formatChecks(checks));
  const failed = checks.filter((check) => check.status === 'fail').length;
  writeLine(out);
  writeLine(
    out,
    failed === 0 ? `All ${checks.length} checks passed.` : `${failed} of ${checks.length} checks failed.`,
  );
  return { ok: failed === 0, checks };
}
