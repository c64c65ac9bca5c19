import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

/**
 * The web view (apps/web), built into dist/web, which the API serves at `/` (apps/api/src/web). JSX is
 * compiled by Vite's esbuild (React's automatic runtime); no plugin is needed for a production build.
 * `@rogatory/workflow/*` resolves to the pure parts of libs/workflow the page shares with the API (the
 * article 18(15) checklist and the codes), never the machine.
 */
export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  esbuild: { jsx: 'automatic' },
  resolve: { alias: { '@rogatory/workflow-pure': path.join(root, 'libs/workflow/src') } },
  build: {
    outDir: path.join(root, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/auth': 'http://localhost:3000' } },
});
