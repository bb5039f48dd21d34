// `npm run demo`: builds the page (web/ → dist-web/) and serves it on 127.0.0.1 with the headers
// that make it cross-origin isolated, which SharedArrayBuffer (the wasm backend's memory) needs.
// gpu.js resolves to its browser build through its package's `browser` field; nothing Node-only is bundled.
import { fileURLToPath } from 'node:url';
import { isBuiltin } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

// A Node built-in among the page's imports fails the build (Vite would bundle an empty stand-in and warn).
const refuseNodeBuiltins: Plugin = {
  name: 'refuse-node-builtins',
  enforce: 'pre',
  resolveId(id, importer) {
    if (isBuiltin(id)) this.error(`${importer ?? 'the page'} imports the Node built-in "${id}": the page must bundle nothing Node-only`);
    return null;
  },
};

const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [refuseNodeBuiltins],
  // no minifying: gpu.js compiles each kernel from its function's source text, and its parser refuses
  // what a minifier makes of them ("Unhandled binary expression between Array & Number")
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    chunkSizeWarningLimit: 4096,
  },
  // the bundled names live outside web/
  server: { host: '127.0.0.1', headers, fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  preview: { host: '127.0.0.1', port: 5173, headers },
});
