import {
  ConnectorError,
  InvalidConfigurationError,
  InvalidCredentialsError,
  RateLimitedError,
  SourceUnavailableError,
  UnknownConnectorError,
} from '@leadsync/connector-sdk';
import type { Connection } from '@leadsync/db/schema';
import type { DoctorCheck } from './doctor.ts';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `leadsync doctor`'s line for one stored connection: its key asked of the source, within a time limit. */
export async function checkConnection(
  connection: Connection,
  name: string,
  timeoutMs: number,
  check: () => Promise<{ primaryEmail?: string; accountName?: string }>,
): Promise<DoctorCheck> {
  if (connection.status === 'needs_new_key') {
    return {
      status: 'fail',
      name,
      detail: 'marked as needing a new account key; its syncs are inactive',
      fix: 'enter a new account key in the console (Settings → Connections), then activate its syncs',
    };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SourceUnavailableError(`no answer within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]);
    if (
      connection.primaryEmail &&
      result.primaryEmail &&
      result.primaryEmail.toLowerCase() !== connection.primaryEmail.toLowerCase()
    ) {
      return {
        status: 'fail',
        name,
        detail: `key accepted, but the account's primary email is now ${result.primaryEmail} (stored: ${connection.primaryEmail})`,
        fix: 'enter the account key again in the console: a changed primary email counts as a changed key',
      };
    }
    const who = result.accountName ?? result.primaryEmail;
    return { status: 'ok', name, detail: `key accepted by the source${who ? ` (${who})` : ''}` };
  } catch (error) {
    return { status: 'fail', name, ...describeCheckFailure(error) };
  } finally {
    clearTimeout(timer);
  }
}

function describeCheckFailure(error: unknown): { detail: string; fix: string } {
  if (error instanceof InvalidCredentialsError) {
    return {
      detail: `the source refused the key: ${error.userMessage}`,
      fix: 'enter a new account key for this connection in the console (Settings → Connections)',
    };
  }
  if (error instanceof InvalidConfigurationError) {
    return {
      detail: error.userMessage,
      fix: 'correct the connection’s settings (or credentials) in the console',
    };
  }
  if (error instanceof UnknownConnectorError) {
    return {
      detail: `unknown connector ${error.connectorId}`,
      fix: 'run a Leadsync version that has this connector',
    };
  }
  if (error instanceof RateLimitedError) {
    return { detail: error.userMessage, fix: 'wait and run `leadsync doctor` again' };
  }
  if (error instanceof SourceUnavailableError) {
    return {
      detail: `the source did not answer: ${error.message}`,
      fix: 'check the network and the source’s status; custom hosts must be in LEADSYNC_ALLOWED_HOSTS',
    };
  }
  if (error instanceof ConnectorError)
    return { detail: error.userMessage, fix: 'see the message; then try again' };
  return {
    detail: `check failed: ${errorMessage(error)}`,
    fix: 'see the message; run with LOG_LEVEL=debug for details',
  };
}
