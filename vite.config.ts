import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web UI (back office at /admin, patient portal at /) is built into dist/web and
// served by the API server itself; `npm run dev:web` proxies the APIs to a running server.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  server: {
    proxy: {
      '/back_end': 'http://127.0.0.1:3000',
      '/patient': 'http://127.0.0.1:3000',
      '/uploads': 'http://127.0.0.1:3000',
    },
  },
});
