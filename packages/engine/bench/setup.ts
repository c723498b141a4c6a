// What the end-to-end benches share: a source simulator in a child process, a scratch database on the server, and
// one organization with a connection to the simulator and an active sync into a mailing list.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { simulatorSettings } from '@leadsync/connectors/testing';
import type { Database, SecretBox } from '@leadsync/db';
import postgres from 'postgres';
import { seedSync } from '../src/testing/seed.ts';

/** What a simulator child prints on its first line. */
export interface SimulatorInfo {
  apiUrl: string;
  accountsUrl: string;
  credentials: Record<string, string>;
  organizationId: string;
}

/** Starts `script` (relative to this folder) with n records; resolves when it has printed where it listens. */
export async function startSimulator(
  script: string,
  n: number,
): Promise<{ child: ChildProcess; info: SimulatorInfo }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), String(n)],
    { stdio: ['pipe', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
  });
  return { child, info: JSON.parse(first) as SimulatorInfo };
}

/** A fresh database on the server of `serverUrl`; `drop()` removes it and closes the admin connection. */
export async function createScratchDatabase(serverUrl: string): Promise<{
  name: string;
  url: string;
  admin: postgres.Sql;
  drop(): Promise<void>;
}> {
  const name = `leadsync_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** One organization, a connection of `connectorId` to the simulator and an active sync with `mapping`. */
export function seedSimulatorSync(args: {
  db: Database;
  secretBox: SecretBox;
  connectorId: string;
  info: SimulatorInfo;
  mapping: readonly { source: string; target: string }[];
}) {
  const { info } = args;
  return seedSync({
    ...args,
    name: 'Bench',
    source: {
      connectorId: args.connectorId,
      credentials: info.credentials,
      settings: simulatorSettings(info),
      sourceOrganizationId: info.organizationId,
    },
  });
}
