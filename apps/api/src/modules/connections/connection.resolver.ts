import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { JSONObjectScalar } from '../../graphql/scalars.ts';
import { CreateConnectionInput } from './connection.input.ts';
import { toConnection } from './connection.service.ts';
import { Connection, SourceField, SourceOrganization } from './connection.type.ts';

@Resolver(() => Connection)
export class ConnectionResolver {
  @Query(() => [Connection])
  async connections(@Ctx() ctx: ApiContext): Promise<Connection[]> {
    return (await ctx.services.connections.list()).map(toConnection);
  }

  @Query(() => Connection, { nullable: true })
  async connection(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Connection | null> {
    const row = await ctx.loaders.connection.get(id);
    return row ? toConnection(row) : null;
  }

  @Query(() => [SourceOrganization])
  sourceOrganizations(
    @Arg('connectionId', () => ID) connectionId: string,
    @Ctx() ctx: ApiContext,
  ): Promise<SourceOrganization[]> {
    return ctx.services.connections.sourceOrganizations(connectionId);
  }

  @Query(() => [SourceField])
  async sourceFields(
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('sourceOrganizationId', () => ID, {
      nullable: true,
      description: 'Custom fields differ per source organization; without it, the first one.',
    })
    sourceOrganizationId: string | null | undefined,
    @Ctx() ctx: ApiContext,
  ): Promise<SourceField[]> {
    const fields = await ctx.services.connections.sourceFields(connectionId, sourceOrganizationId);
    return fields.map((field) => ({
      key: field.key,
      label: field.label,
      type: field.type,
      availability: field.availability,
      custom: field.custom ?? false,
    }));
  }

  @Mutation(() => Connection, {
    description: 'Checks the credentials with the source first; nothing is stored on refusal.',
  })
  async createConnection(
    @Arg('input', () => CreateConnectionInput) input: CreateConnectionInput,
    @Ctx() ctx: ApiContext,
  ): Promise<Connection> {
    return toConnection(await ctx.services.connections.create(input));
  }

  @Mutation(() => Connection, {
    description:
      'A new account key: checked first; every sync of the connection stays inactive until activated.',
  })
  async updateConnectionCredentials(
    @Arg('id', () => ID) id: string,
    @Arg('credentials', () => JSONObjectScalar) credentials: Record<string, unknown>,
    @Ctx() ctx: ApiContext,
  ): Promise<Connection> {
    return toConnection(await ctx.services.connections.updateCredentials(id, credentials));
  }

  @Mutation(() => Connection)
  async updateConnectionSettings(
    @Arg('id', () => ID) id: string,
    @Arg('settings', () => JSONObjectScalar) settings: Record<string, unknown>,
    @Ctx() ctx: ApiContext,
  ): Promise<Connection> {
    return toConnection(await ctx.services.connections.updateSettings(id, settings));
  }

  @Mutation(() => Connection)
  async renameConnection(
    @Arg('id', () => ID) id: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: ApiContext,
  ): Promise<Connection> {
    return toConnection(await ctx.services.connections.rename(id, name));
  }

  @Mutation(() => Boolean, { description: 'Deletes the connection with its syncs, their runs and records.' })
  deleteConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    return ctx.services.connections.delete(id);
  }
}
