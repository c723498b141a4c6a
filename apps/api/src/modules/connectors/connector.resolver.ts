import { Ctx, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { Connector } from './connector.type.ts';

@Resolver(() => Connector)
export class ConnectorResolver {
  @Query(() => [Connector])
  connectors(@Ctx() ctx: ApiContext): Connector[] {
    return ctx.deps.registry.list().map((connector) => ({
      id: connector.id,
      displayName: connector.displayName,
      maxLookbackDays: connector.capabilities.maxLookbackDays ?? null,
      detectsDeletes: connector.capabilities.detectsDeletes,
      activeOnlyReads: connector.capabilities.activeOnlyReads ?? false,
      setupHelp: connector.spec?.help ?? null,
      spec: connector.spec ?? null,
      fileSetting: connector.fileSetting
        ? {
            key: connector.fileSetting.key,
            nameKey: connector.fileSetting.nameKey ?? null,
            label: connector.fileSetting.label,
            accept: connector.fileSetting.accept ?? null,
          }
        : null,
    }));
  }
}
