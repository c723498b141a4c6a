export interface WelcomeFacts {
  url: string;
  adminKeyFile: string;
  /** Only on the start that generated the key. */
  generatedAdminKey?: string;
  adminKeyFromEnvironment: boolean;
  /** The key in `LEADSYNC_ADMIN_KEY` was revoked through the API (it stays revoked). */
  adminKeyRevoked?: boolean;
  /** The sandbox connections' names, in order (none: the sandbox is off). */
  sandboxConnections: readonly string[];
}

/** What `pnpm start` prints once it is ready: where the console is and how to sign in. */
export function welcomeText(facts: WelcomeFacts): string {
  const lines = ['', `  Leadsync is running: open ${facts.url} in a browser.`, ''];
  if (facts.generatedAdminKey) {
    lines.push(
      '  Sign in with this admin API key (shown once; it is also saved, mode 0600, in',
      `  ${facts.adminKeyFile}):`,
      '',
      `    ${facts.generatedAdminKey}`,
      '',
    );
  } else if (facts.adminKeyFromEnvironment && facts.adminKeyRevoked) {
    lines.push(
      '  The admin API key in LEADSYNC_ADMIN_KEY was revoked and stays revoked: sign in with another',
      '  admin key, or set LEADSYNC_ADMIN_KEY to a new value and restart.',
      '',
    );
  } else if (facts.adminKeyFromEnvironment) {
    lines.push('  Sign in with the admin API key in LEADSYNC_ADMIN_KEY.', '');
  } else {
    lines.push(`  Sign in with the admin API key saved in ${facts.adminKeyFile}.`, '');
  }
  if (facts.sandboxConnections.length > 0) {
    lines.push(
      '  Connections with sample records are ready, choose "New sync" to import them:',
      ...facts.sandboxConnections.map((name) => `    "${name}"`),
      '  (LEADSYNC_SANDBOX=false turns the sandbox off).',
      '',
    );
  }
  lines.push(`  GraphQL API: ${facts.url}/graphql (Authorization: Bearer <api key>)`, '');
  return `${lines.join('\n')}\n`;
}
