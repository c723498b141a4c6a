import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm dev` proxies the API; LEADSYNC_API_URL points it elsewhere than the default port.
const api = process.env.LEADSYNC_API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: { '/graphql': api, '/healthz': api, '/runs': api },
  },
  preview: {
    proxy: { '/graphql': api, '/healthz': api, '/runs': api },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
