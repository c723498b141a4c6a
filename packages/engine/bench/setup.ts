// What the end-to-end benches share: a source simulator in a child process, a scratch database on the server, and
// one organization with a connection to the simulator and an active sync into a mailing list.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { simulatorSettings } from '@leadsync/connectors/testing';
import type { Database, SecretBox } from '@leadsync/db';
import { seedSync } from '../src/testing/seed.ts';

export { createScratchDatabase } from '@leadsync/testing/scratch';

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
