#!/usr/bin/env node
// The `makemore` command: the compiled CLI. `npm run build` writes dist/ (npm start and npm pack build
// first); to run the TypeScript sources unbuilt, `npx tsx src/cli.ts`.
import '../dist/src/cli.js';
