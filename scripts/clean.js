#!/usr/bin/env node
// Removes every workspace package's dist/ folder, so that the next build holds
// only what the current sources compile to: `tsc -b` never deletes the output
// of a source file that was removed or renamed, and `npm pack` would ship it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { workspaces } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const pattern of workspaces) {
  const dirs = pattern.endsWith('/*')
    ? fs
        .readdirSync(path.join(root, pattern.slice(0, -2)), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => path.join(pattern.slice(0, -2), e.name))
    : [pattern];
  for (const dir of dirs) {
    const dist = path.join(root, dir, 'dist');
    if (fs.existsSync(dist)) {
      fs.rmSync(dist, { recursive: true, force: true });
      console.log(`removed ${path.relative(root, dist)}`);
    }
  }
}
