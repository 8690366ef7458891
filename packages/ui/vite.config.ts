import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// @skein/model is used from source so the UI builds without the model's dist and shares its tests.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@skein/model': fileURLToPath(new URL('../model/src/index.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://127.0.0.1:9411' } },
});
