// The API process of `csv.bench.ts`: the real Express + Apollo server on a free port, over the bench database. Prints
// `{ url }` once listening; on stdin's end prints `{ rss_mb }` (its peak resident memory) and exits.
import type { AddressInfo } from 'node:net';
import { connectorRegistry } from '@leadsync/connectors';
import { createDatabase, SecretBox } from '@leadsync/db';
import { createEngine } from '@leadsync/engine';
import pino from 'pino';
import { createApiServer } from '../src/server.ts';

const [databaseUrl, secretKeyHex] = process.argv.slice(2) as [string, string];
const logger = pino({ level: 'silent' });
const handle = createDatabase(databaseUrl, { max: 4 });
const secretBox = new SecretBox(Buffer.from(secretKeyHex, 'hex'));
const allowedHosts = ['127.0.0.1'];
const engine = createEngine({ db: handle.db, secretBox, registry: connectorRegistry, allowedHosts, logger });
const scheduler = {
  scheduleSync: async () => null,
  unscheduleSync: async () => null,
  enqueueRun: async () => null,
};
const api = await createApiServer({
  deps: { db: handle.db, secretBox, registry: connectorRegistry, engine, scheduler, logger, allowedHosts },
  production: true,
  rateLimit: false,
});
await new Promise<void>((resolve) => api.httpServer.listen(0, '127.0.0.1', resolve));
const { port } = api.httpServer.address() as AddressInfo;
console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
process.stdin.resume();
process.stdin.on('end', async () => {
  console.log(JSON.stringify({ rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  await api.stop();
  await handle.close();
  process.exit(0);
});
