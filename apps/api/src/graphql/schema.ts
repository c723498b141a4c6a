import 'reflect-metadata';
import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ApiKeyResolver } from '../modules/api-keys/api-key.resolver.ts';
import { ConnectionResolver } from '../modules/connections/connection.resolver.ts';
import { ConnectorResolver } from '../modules/connectors/connector.resolver.ts';
import { LeadResolver } from '../modules/leads/lead.resolver.ts';
import { MailingListResolver } from '../modules/mailing-lists/mailing-list.resolver.ts';
import { RetentionResolver } from '../modules/retention/retention.resolver.ts';
import { RunResolver } from '../modules/runs/run.resolver.ts';
import { SyncResolver } from '../modules/syncs/sync.resolver.ts';
import type { Sync } from '../modules/syncs/sync.type.ts';
import { TimelineResolver } from '../modules/timeline/timeline.resolver.ts';
import { UploadResolver } from '../modules/uploads/upload.resolver.ts';
import { WebhookResolver } from '../modules/webhooks/webhook.resolver.ts';
import type { ApiContext } from './context.ts';
import { DateTimeScalar } from './scalars.ts';

let built: Promise<GraphQLSchema> | undefined;

/** The Leadsync GraphQL schema (DESIGN.md §7 and more), built once per process. */
export function buildLeadsyncSchema(): Promise<GraphQLSchema> {
  built ??= buildTypeGraphqlSchema().then(withDirectFieldResolvers);
  return built;
}

/**
 * The field resolvers called once per item of a list (`Sync.connection`, `.mailingList`, `.lastRun`: 300 calls for
 * the `syncs` query of 100) call their method directly, without type-graphql's per-call wrapper (its resolver data
 * object, `getParams` sorting and mapping the parameters, `applyMiddlewares`): they take only the parent and the
 * context, and no middleware, validation or authorization is declared on them (the key is checked once, in the
 * context), so the wrapper did nothing else. Same methods, same answers and errors (issue 22).
 */
function withDirectFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  const syncs = new SyncResolver();
  const fields = (schema.getType('Sync') as GraphQLObjectType).getFields();
  const direct: Record<string, GraphQLFieldResolver<Sync, ApiContext>> = {
    connection: (sync, _args, context) => syncs.connection(sync, context),
    mailingList: (sync, _args, context) => syncs.mailingList(sync, context),
    lastRun: (sync, _args, context) => syncs.lastRun(sync, context),
  };
  for (const [name, resolve] of Object.entries(direct)) {
    const field = fields[name];
    if (!field?.resolve) throw new Error(`Sync.${name} has no resolver to replace`);
    field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
  }
  return schema;
}

function buildTypeGraphqlSchema(): Promise<GraphQLSchema> {
  return buildSchema({
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
}
