import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ApiKeyResolver } from '../modules/api-keys/api-key.resolver.ts';
import { ConnectionResolver } from '../modules/connections/connection.resolver.ts';
import { ConnectorResolver } from '../modules/connectors/connector.resolver.ts';
import { LeadResolver } from '../modules/leads/lead.resolver.ts';
import { MailingListResolver } from '../modules/mailing-lists/mailing-list.resolver.ts';
import { RetentionResolver } from '../modules/retention/retention.resolver.ts';
import { RunResolver } from '../modules/runs/run.resolver.ts';
import { SyncResolver } from '../modules/syncs/sync.resolver.ts';
import { TimelineResolver } from '../modules/timeline/timeline.resolver.ts';
import { UploadResolver } from '../modules/uploads/upload.resolver.ts';
import { WebhookResolver } from '../modules/webhooks/webhook.resolver.ts';
import { DateTimeScalar } from './scalars.ts';

let built: Promise<GraphQLSchema> | undefined;

/** The Leadsync GraphQL schema (DESIGN.md §7 and more), built once per process. */
export function buildLeadsyncSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      ApiKeyResolver,
      ConnectorResolver,
      ConnectionResolver,
      MailingListResolver,
      LeadResolver,
      SyncResolver,
      RunResolver,
      RetentionResolver,
      TimelineResolver,
      WebhookResolver,
      UploadResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    emitSchemaFile: false,
  });
  return built;
}
