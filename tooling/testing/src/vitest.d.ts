import type { ViteUserConfig } from 'vitest/config';

export interface LeadsyncVitestOptions {
  /** The package's tests need PostgreSQL: reach or start a server once per run and migrate a template. */
  database?: boolean;
  config?: ViteUserConfig;
}

export declare function leadsyncVitestConfig(options?: LeadsyncVitestOptions): ViteUserConfig;
