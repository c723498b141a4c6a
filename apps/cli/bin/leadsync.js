#!/usr/bin/env node
// The `leadsync` command: runs src/main.ts through tsx (the workspace has no build step).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');
