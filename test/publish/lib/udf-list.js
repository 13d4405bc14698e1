'use strict';
// Reads `udf-run --list`: a header line (NAME EDGES SOURCE), one line per UDF,
// a blank line, then what was searched; or "No UDFs found." and what was
// searched.

const { PublishTestError } = require('./errors');

/** The listed UDFs as { name, edges, source } (source names the package it came from). */
function parseUdfList(text) {
  const lines = text.split('\n');
  if (lines[0].trim() === 'No UDFs found.') return [];
  const header = lines.findIndex((l) => /^NAME\s+EDGES\s+SOURCE/.test(l));
  if (header < 0) {
    throw new PublishTestError('ERR_LIST_FORMAT', `udf-run --list printed no "NAME EDGES SOURCE" header:\n${text}`);
  }
  const udfs = [];
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') break;
    const m = /^(\S+)\s+(\S+ -> \S+)\s+(.*)$/.exec(line);
    if (!m) throw new PublishTestError('ERR_LIST_FORMAT', `udf-run --list printed a line not like "name  a -> b  source": ${line}`);
    udfs.push({ name: m[1], edges: m[2], source: m[3] });
  }
  return udfs;
}

/**
 * The listed UDFs that come from `pkgName`: the package udf-run runs in
 * (`from package "x"`) or one installed in it (`from dependency "x"`).
 */
function udfsFromPackage(udfs, pkgName) {
  return udfs.filter((u) => u.source.includes(`from package "${pkgName}"`) || u.source.includes(`from dependency "${pkgName}"`));
}

module.exports = { parseUdfList, udfsFromPackage };
