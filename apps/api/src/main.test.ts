import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', main],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
}

describe('pnpm start with a bad environment', () => {
  it('stops with one line naming PORT', async () => {
    const { code, stderr } = await start({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'Missing or invalid environment: PORT (expected an integer from 1 to 65535, got "eighty")',
    );
  });

  it('stops with one line naming DATABASE_URL', async () => {
    const { code, stderr } = await start({ DATABASE_URL: 'localhost:5432' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^Missing or invalid environment: DATABASE_URL \(expected .*got "localhost:5432"\)/,
    );
  });
});
