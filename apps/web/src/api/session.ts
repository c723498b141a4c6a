import type { Client } from '@urql/core';
import {
  type Capabilities,
  CapabilitiesQuery,
  capabilitiesFrom,
  type IntrospectionResult,
  minimalCapabilities,
} from './capabilities.ts';
import { errorMessage, isUnauthenticated } from './errors.ts';

export interface Session {
  capabilities: Capabilities;
  organizationName: string | null;
  /** The name of the API key in use, when the API tells. */
  keyName: string | null;
}

export class SignInError extends Error {}

/**
 * Checks the key and learns what the API offers. Introspection may be turned off in production;
 * then a plain query proves the key and the console sticks to the minimal schema.
 */
export async function openSession(client: Client): Promise<Session> {
  const probe = await client
    .query<IntrospectionResult>(CapabilitiesQuery, {}, { requestPolicy: 'network-only' })
    .toPromise();
  if (isUnauthenticated(probe.error)) throw new SignInError('That API key was not accepted.');
  let capabilities = minimalCapabilities;
  if (probe.data && !probe.error) {
    capabilities = capabilitiesFrom(probe.data);
  } else {
    const check = await client
      .query<{ connectors: { id: string }[] }>('query SignInCheck { connectors { id } }', {})
      .toPromise();
    if (isUnauthenticated(check.error)) throw new SignInError('That API key was not accepted.');
    if (check.error) throw new SignInError(errorMessage(check.error) ?? 'The server did not answer.');
  }
  let organizationName: string | null = null;
  if (capabilities.organizationField) {
    const field = capabilities.organizationField;
    const org = await client
      .query<Record<string, { name?: string } | null>>(`query Organization { ${field} { name } }`, {})
      .toPromise();
    organizationName = org.data?.[field]?.name ?? null;
  }
  let keyName: string | null = null;
  if (capabilities.viewer) {
    const fields = capabilities.viewerOrganizationName ? 'apiKeyName organizationName' : 'apiKeyName';
    const viewer = await client
      .query<{ viewer: { apiKeyName?: string; organizationName?: string } | null }>(
        `query Viewer { viewer { ${fields} } }`,
        {},
      )
      .toPromise();
    keyName = viewer.data?.viewer?.apiKeyName ?? null;
    organizationName ??= viewer.data?.viewer?.organizationName ?? null;
  }
  return { capabilities, organizationName, keyName };
}
