#!/usr/bin/env node
// Prints the functions with the most self time in a V8 .cpuprofile (as written
// by `node --cpu-prof`), to see where a UDF spends its time under the driver.
// Usage: node bench/profile-summary.js <file.cpuprofile> [top=25]
'use strict';

const fs = require('node:fs');

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.js <file.cpuprofile> [top=25]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] || 0;
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const where = url ? `${url.replace(/^.*\/(packages|examples)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) || 0) + dt);
  total += dt;
});
const top = Number(topArg || 25);
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((t / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
