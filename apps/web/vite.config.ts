import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:4000';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: { '/graphql': api, '/healthz': api, '/runs': api },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
