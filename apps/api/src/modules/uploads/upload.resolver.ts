import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../graphql/context.ts';
import { JSONObjectScalar } from '../../graphql/scalars.ts';
import { FileUpload, SettingsPreview } from './upload.type.ts';

@Resolver(() => FileUpload)
export class UploadResolver {
  @Query(() => FileUpload, { nullable: true, description: "An upload of the caller's organization." })
  fileUpload(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<FileUpload | null> {
    return ctx.services.uploads.get(id);
  }

  @Query(() => SettingsPreview, {
    description:
      "Detected options (e.g. a CSV file's encoding, delimiter and header row), the columns and the first records " +
      'for proposed settings (e.g. `{ fileId }` of an upload), before the connection is created.',
  })
  previewConnectionSettings(
    @Arg('connector', () => String) connector: string,
    @Arg('settings', () => JSONObjectScalar) settings: Record<string, unknown>,
    @Arg('credentials', () => JSONObjectScalar, { nullable: true }) credentials: Record<
      string,
      unknown
    > | null,
    @Ctx() ctx: ApiContext,
  ): Promise<SettingsPreview> {
    return ctx.services.uploads.previewSettings(connector, credentials ?? {}, settings);
  }
}
