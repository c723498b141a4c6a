import { OrganizationRepository } from '@leadsync/db/repositories';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { notFound } from '../../graphql/errors.ts';
import { toApiKey } from './api-key.service.ts';
import { ApiKey, ApiKeyRole, CreatedApiKey, Viewer } from './api-key.type.ts';
import { Organization } from './organization.type.ts';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => Viewer)
  viewer(@Ctx() ctx: ApiContext): Viewer {
    return {
      organizationId: ctx.principal.organizationId,
      apiKeyId: ctx.principal.apiKeyId,
      apiKeyName: ctx.principal.name,
      role: ctx.principal.role as ApiKeyRole,
    };
  }

  @Query(() => Organization)
  async organization(@Ctx() ctx: ApiContext): Promise<Organization> {
    const row = await new OrganizationRepository(ctx.deps.db, ctx.principal.organizationId).get();
    if (!row) throw notFound('Organization');
    return { id: row.id, name: row.name };
  }

  @Query(() => [ApiKey], { description: 'Admin only.' })
  async apiKeys(@Ctx() ctx: ApiContext): Promise<ApiKey[]> {
    return (await ctx.services.apiKeys.list()).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey, {
    description: 'Admin only. The plain key is in the answer and nowhere else.',
  })
  async createApiKey(
    @Arg('name', () => String) name: string,
    @Arg('role', () => ApiKeyRole, { nullable: true, defaultValue: ApiKeyRole.MEMBER }) role: ApiKeyRole,
    @Ctx() ctx: ApiContext,
  ): Promise<CreatedApiKey> {
    const created = await ctx.services.apiKeys.create(name, role ?? ApiKeyRole.MEMBER);
    return { apiKey: toApiKey(created.apiKey), key: created.plainKey };
  }

  @Mutation(() => Boolean, { description: 'Admin only. True when the key was active and is now revoked.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    return ctx.services.apiKeys.revoke(id);
  }
}
