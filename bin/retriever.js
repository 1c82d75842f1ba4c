#!/usr/bin/env node
// Runs the TypeScript sources directly (swc transpilation through ts-node), so there is no build step
// between `npm install` and a working CLI. `npm run build` still produces dist/ for images.
const path = require('node:path');
const fs = require('node:fs');
const compiled = path.join(__dirname, '..', 'dist', 'client.js');
if (process.env.RETRIEVER_USE_DIST === '1' && fs.existsSync(compiled)) {
  require(compiled).main(process.argv);
} else {
  require('ts-node').register({ transpileOnly: true, swc: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  require(path.join(__dirname, '..', 'src', 'client.ts')).main(process.argv);
}
