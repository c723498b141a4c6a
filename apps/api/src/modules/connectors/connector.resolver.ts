import { fileSettingOf } from '@leadsync/connector-sdk';
import { Ctx, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { Connector } from './connector.type.ts';

/** `Connector.fileSetting`, kept for older consoles and integrators: the spec's file field. */
function fileSettingFor(spec: Parameters<typeof fileSettingOf>[0]) {
  const setting = fileSettingOf(spec);
  return setting
    ? {
        key: setting.key,
        nameKey: setting.nameKey ?? null,
        label: setting.label,
        accept: setting.accept ?? null,
      }
    : null;
}

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
      fileSetting: fileSettingFor(connector.spec),
    }));
  }
}
