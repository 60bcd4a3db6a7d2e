import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const gateway = process.env.FERRODESK_GATEWAY ?? 'http://127.0.0.1:8080';

/** Writes `name.gz` beside each built script and stylesheet: the gateway serves them as they are
 * (tower-http's precompressed files), so nothing is compressed per request. */
function precompress(): Plugin {
  return {
    name: 'ferrodesk-precompress',
    apply: 'build',
    closeBundle() {
      const assets = join(import.meta.dirname, 'dist', 'assets');
      for (const name of readdirSync(assets)) {
        if (/\.(js|css|svg)$/.test(name)) {
          writeFileSync(join(assets, `${name}.gz`), gzipSync(readFileSync(join(assets, name)), { level: 9 }));
        }
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  server: {
    port: 5173,
    // The dev server forwards the API to a running gateway (bash infra/up.sh). The Host header is
    // kept, so the gateway sees the browser's own origin on the WebSocket.
    proxy: {
      '/graphql/ws': { target: gateway.replace(/^http/, 'ws'), ws: true },
      '/graphql': { target: gateway },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
  },
});
