import { defineConfig } from 'vite';

// `vite` (dev) proxies the API to a tracking server: MLPROJECT_UI_API=http://127.0.0.1:5000 pnpm dev.
const api = process.env['MLPROJECT_UI_API'] ?? 'http://127.0.0.1:5000';

export default defineConfig({
  // Relative asset URLs: the bundle works wherever the server mounts it.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // changeOrigin stays false: the server refuses writes whose Origin names another host than Host.
  server: { proxy: Object.fromEntries(['/ajax-api', '/api', '/get-artifact'].map((prefix) => [prefix, { target: api, changeOrigin: false }])) },
});
