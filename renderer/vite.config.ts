import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the console into dist/renderer, which the master serves at its console address.
 * Relative asset paths (base './') let the same build load from any origin or path.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      output: {
        // Libraries change less often than our code, so they get their own cacheable chunks.
        codeSplitting: {
          includeDependenciesRecursively: false,
          groups: [
            { name: 'mui-x', test: /node_modules[\\/]@mui[\\/]x-/, priority: 3 },
            { name: 'mui', test: /node_modules[\\/](@mui|@emotion)[\\/]/, priority: 2 },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  // `vite -c renderer/vite.config.ts` serves the console with hot reload; API calls and the events
  // socket go to the master named by SCALEOUT_MASTER_URL, so the console's own origin works as baseUrl.
  server: {
    proxy: {
      '/api': {
        target: process.env.SCALEOUT_MASTER_URL ?? 'http://127.0.0.1:8390',
        ws: true,
        changeOrigin: true,
      },
    },
  },
});
