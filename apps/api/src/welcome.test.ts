import { describe, expect, it } from 'vitest';
import { welcomeText } from './welcome.ts';

const base = {
  url: 'http://localhost:4000',
  adminKeyFile: '/data/admin-key',
  adminKeyFromEnvironment: false,
};

describe('the text pnpm start prints', () => {
  it('shows a generated key once, with where it is saved', () => {
    const text = welcomeText({
      ...base,
      generatedAdminKey: 'lsk_abc',
      sandboxConnections: ['Zoho Invoice (sandbox)', 'Zoho CRM (sandbox)'],
    });
    expect(text).toContain('open http://localhost:4000');
    expect(text).toContain('    lsk_abc');
    expect(text).toContain('/data/admin-key');
    expect(text).toContain('    "Zoho Invoice (sandbox)"\n    "Zoho CRM (sandbox)"');
    expect(text).toContain('LEADSYNC_SANDBOX=false');
  });

  it('points at the saved key on later starts and never prints a key', () => {
    const text = welcomeText({ ...base, sandboxConnections: [] });
    expect(text).toContain('saved in /data/admin-key');
    expect(text).not.toMatch(/lsk_/);
    expect(text).not.toContain('sandbox');
  });

  it('names LEADSYNC_ADMIN_KEY when the operator chose the key', () => {
    expect(welcomeText({ ...base, adminKeyFromEnvironment: true, sandboxConnections: [] })).toContain(
      'LEADSYNC_ADMIN_KEY',
    );
  });

  it('says a revoked LEADSYNC_ADMIN_KEY stays revoked instead of inviting to sign in with it', () => {
    const text = welcomeText({
      ...base,
      adminKeyFromEnvironment: true,
      adminKeyRevoked: true,
      sandboxConnections: [],
    });
    expect(text).toContain('revoked and stays revoked');
    expect(text).not.toContain('Sign in with the admin API key in LEADSYNC_ADMIN_KEY');
  });
});
