import { connectionSpec } from '@leadsync/connector-sdk';
import type { z } from 'zod';

/**
 * The connection form of a CSV file: one uploaded file (the console uploads it in parts, then shows the delimiter,
 * encoding and header row the connector detected). Given the schemas, as they live beside the connector.
 */
export function csvSpec(schemas: { credentials: z.ZodType; settings: z.ZodType }) {
  return connectionSpec({
    credentials: { schema: schemas.credentials, fields: {} },
    settings: {
      schema: schemas.settings,
      fields: {
        fileId: {
          title: 'CSV file',
          description:
            'The first row names the columns (detected). The file is uploaded in parts; any size works.',
          format: 'file-upload',
          accept: '.csv,.txt,text/csv,text/plain',
          fileNameKey: 'fileName',
          required: true,
        },
      },
    },
  });
}
