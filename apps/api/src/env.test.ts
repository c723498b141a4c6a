import { describe, expect, it } from 'vitest';
import { loadApiEnvironment } from './env.ts';

describe('api environment', () => {
  it('defaults PORT to 4000', () => {
    expect(loadApiEnvironment({}).PORT).toBe(4000);
  });

  it('refuses a PORT that is not a port, in one line naming it', () => {
    for (const bad of ['abc', '0', '70000', '4000.5']) {
      expect(() => loadApiEnvironment({ PORT: bad })).toThrow(
        new RegExp(
          `^Missing or invalid environment: PORT \\(expected an integer from 1 to 65535, got "${bad}"\\)$`,
        ),
      );
    }
  });

  it('refuses a short admin key', () => {
    expect(() => loadApiEnvironment({ LEADSYNC_ADMIN_KEY: 'short' })).toThrow(
      /LEADSYNC_ADMIN_KEY \(expected at least 24/,
    );
  });

  it('reports every bad variable at once', () => {
    expect(() => loadApiEnvironment({ PORT: 'x', DATABASE_URL: 'nope' })).toThrow(
      /DATABASE_URL.*; PORT|PORT.*; DATABASE_URL/,
    );
  });
});
