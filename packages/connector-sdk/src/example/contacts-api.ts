import { isUrlAllowed } from '@leadsync/core';
import { z } from 'zod';
import { type ConnectorContext, defineConnector } from '../connector.ts';
import { InvalidConfigurationError, InvalidCredentialsError } from '../errors.ts';
import { createHttpClient } from '../http.ts';

/**
 * An example connector, the shape to copy for a new source: a JSON API that lists contacts page by page behind a
 * bearer token (`GET contacts?offset=&limit=` → `{ contacts: [{ id, email, name }], next: offset | null }`). It
 * passes the shared contract suite (`contacts-api.test.ts`). A real one is a package of its own, plus one line in
 * packages/connectors/src/index.ts.
 */
const credentialsSchema = z.object({ token: z.string().min(1).max(500) });
const settingsSchema = z.object({ apiUrl: z.url().max(2_000) });
type Context = ConnectorContext<z.infer<typeof credentialsSchema>, z.infer<typeof settingsSchema>>;
const contactSchema = z.object({
  id: z.string().max(100),
  email: z.string().max(320),
  name: z.string().max(200),
});
const pageSchema = z.object({
  contacts: z.array(contactSchema).max(1_000),
  next: z.int().nonnegative().nullable(),
});
/** `offset: null`: the read is done. */
const checkpointSchema = z.object({ offset: z.int().nonnegative().nullable() });

async function getPage(ctx: Context, offset: number, limit: number): Promise<z.infer<typeof pageSchema>> {
  const url = new URL(`contacts?offset=${offset}&limit=${limit}`, ctx.settings.apiUrl);
  if (!isUrlAllowed(url, ctx.allowedHosts))
    throw new InvalidConfigurationError('apiUrl is not allowed', 'apiUrl');
  const http = ctx.http ?? createHttpClient({ logger: ctx.logger, signal: ctx.signal });
  const response = await http.send(
    {
      url,
      headers: { authorization: `Bearer ${ctx.credentials.token}` },
      what: 'GET contacts',
      redirectField: 'apiUrl',
    },
    { sourceName: 'Contacts API' }, // a source with a rate limit: `account` in the request, `rate` here
  );
  if (response.status === 401) throw new InvalidCredentialsError('The token was refused', undefined, 'token');
  return pageSchema.parse(JSON.parse(response.text));
}

export const contactsApiConnector = defineConnector({
  id: 'contacts-api',
  displayName: 'Contacts API (example)',
  credentialsSchema,
  settingsSchema,
  capabilities: { detectsDeletes: false },
  fields: async () => [
    { key: 'email', label: 'Email', type: 'email', availability: 'list', custom: false },
    { key: 'name', label: 'Name', type: 'string', availability: 'list', custom: false },
  ],
  async check(ctx) {
    await getPage(ctx, 0, 1);
    return { accountName: 'Contacts API' };
  },
  listOrganizations: async () => [{ id: 'contacts', name: 'Contacts' }],
  async *read(ctx, request) {
    let { offset } = checkpointSchema.parse(request.checkpoint ?? { offset: 0 });
    while (offset !== null) {
      const page = await getPage(ctx, offset, request.pageSize ?? 100);
      offset = page.next;
      const records = page.contacts.map(({ id, email, name }) => ({ sourceId: id, fields: { email, name } }));
      yield { records, checkpoint: { offset } };
    }
  },
});
