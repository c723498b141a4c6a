import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeConnectorContract, testContext } from '../testing/index.ts';
import { contactsApiConnector } from './contacts-api.ts';

const TOKEN = 'example-token';
const contacts = Array.from({ length: 120 }, (_, i) => ({
  id: `c${i}`,
  email: `c${i}@example.com`,
  name: `C ${i}`,
}));

/** The example's source: 120 contacts behind a bearer token. */
async function startContactsApi() {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const next = offset + limit < contacts.length ? offset + limit : null;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ contacts: contacts.slice(offset, offset + limit), next }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { apiUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describeConnectorContract({
  connector: contactsApiConnector,
  makeContext: async () => {
    const api = await startContactsApi();
    return {
      ctx: testContext({ token: TOKEN }, { apiUrl: api.apiUrl }),
      organizationId: 'contacts',
      expectedRecordIds: contacts.map((contact) => contact.id),
      cleanup: api.close,
    };
  },
  pageSize: 25,
  badContexts: [
    {
      name: 'a refused token',
      make: async () => {
        const api = await startContactsApi();
        return {
          ctx: testContext({ token: 'stale' }, { apiUrl: api.apiUrl }),
          organizationId: 'contacts',
          cleanup: api.close,
        };
      },
    },
  ],
});
