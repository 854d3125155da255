import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, minify, type Plugin, runnerImport } from 'vite';

const OUT_DIR = fileURLToPath(new URL('./dist/web', import.meta.url));
const COMPRESSIBLE = /\.(js|css|svg|json|html)$/;

/**
 * Writes a .br and a .gz beside every text asset, once at build time, so the server sends a phone
 * a third of the bytes (bench/web.ts) without compressing on each request: @fastify/static
 * serves them by Accept-Encoding (preCompressed). Files under 1 KB gain nothing and are skipped.
 */
function precompress(): Plugin {
  // The folder this build writes to: OUT_DIR unless `--outDir` says otherwise (a size check into a
  // temporary folder must not rewrite the served copies in dist/web while a server reads them).
  let outDir = OUT_DIR;
  return {
    name: 'carepool-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const assets = path.join(outDir, 'assets');
      for (const name of readdirSync(assets)) {
        if (!COMPRESSIBLE.test(name)) continue;
        const file = path.join(assets, name);
        const content = readFileSync(file);
        if (content.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(content, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

/**
 * Puts web/first-screen/paint.ts into index.html as an inline script with the words of both languages, in
 * place of the marker comment: the first screen is painted from the HTML, before any script downloads.
 */
function firstScreen(): Plugin {
  return {
    name: 'carepool-first-screen',
    async transformIndexHtml(html) {
      // Loaded through Vite's module runner: the web's TypeScript imports without file extensions.
      const [{ module: paint }, { module: text }] = await Promise.all([
        runnerImport<typeof import('./web/first-screen/paint')>('./web/first-screen/paint.ts'),
        runnerImport<typeof import('./web/first-screen/text')>('./web/first-screen/text.ts'),
      ]);
      const source = `(${paint.paintFirstScreen.toString()})(${JSON.stringify(text.firstScreenTexts)})`;
      const { code, errors } = await minify('first-screen.js', source, { compress: true, mangle: true });
      if (errors.length > 0) throw new Error(`first screen: ${errors.map((error) => error.message).join('; ')}`);
      const marker = '<!-- first-screen -->';
      if (!html.includes(marker)) throw new Error(`index.html has no ${marker} marker`);
      return html.replace(marker, `<script>${code.trim()}</script>`);
    },
  };
}

// The web UI (back office at /admin, patient portal at /) is built into dist/web and
// served by the API server itself; `npm run dev:web` proxies the APIs to a running server.
export default defineConfig({
  root: 'web',
  plugins: [react(), firstScreen(), precompress()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    // dist/web/.vite/manifest.json maps each chunk to its source modules: the web-assets test reads it
    // to check that the portal's first page loads nothing of the back office's.
    manifest: true,
  },
  server: {
    proxy: {
      '/back_end': 'http://127.0.0.1:3000',
      '/patient': 'http://127.0.0.1:3000',
      '/uploads': 'http://127.0.0.1:3000',
    },
  },
});
