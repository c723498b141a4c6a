import { BadSourceDataError } from '@leadsync/connector-sdk';
import type { z } from 'zod';
import { listEnvelopeSchema } from './records.ts';

/** Zoho answers checked against their zod shape, with a sentence for a person when they do not fit. */

export function rawId(raw: unknown): string | undefined {
  if (raw && typeof raw === 'object' && 'contact_id' in raw) {
    const id = (raw as { contact_id: unknown }).contact_id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

export function envelope<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new BadSourceDataError(
      `Zoho Invoice answered ${what} with an unexpected shape: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      body,
      'Zoho Invoice sent an answer in a shape we do not understand.',
    );
  }
  return parsed.data;
}

/** A contacts page, checked by hand when it is well formed (zod copied every row); zod says what is wrong otherwise. */
export function listEnvelope(body: Record<string, unknown>): z.infer<typeof listEnvelopeSchema> {
  const { code, contacts, page_context: context } = body;
  if (
    code === 0 &&
    Array.isArray(contacts) &&
    typeof context === 'object' &&
    context !== null &&
    typeof (context as { has_more_page?: unknown }).has_more_page === 'boolean'
  )
    return body as z.infer<typeof listEnvelopeSchema>;
  return envelope(listEnvelopeSchema, body, 'GET /contacts');
}
