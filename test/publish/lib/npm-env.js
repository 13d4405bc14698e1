'use strict';
// The environment every npm command of the publish test runs with: a temp
// userconfig (registry = the local one, its auth token) and a temp cache, so
// nothing is read from or written to the user's ~/.npmrc or ~/.npm, and no
// package comes from a cache filled by another registry.

const fs = require('node:fs');
const path = require('node:path');

/**
 * The parent's environment without npm's own variables (`npm run` exports
 * npm_config_* settings, which would win over the temp userconfig).
 */
function cleanEnv(base = process.env) {
  const env = {};
  for (const [k, v] of Object.entries(base)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

/** Writes <dir>/npmrc and returns the env that makes npm use it. */
function localRegistryEnv({ dir, registryUrl, token }) {
  const hostPath = registryUrl.replace(/^https?:/, '');
  const npmrc = path.join(dir, 'npmrc');
  fs.writeFileSync(
    npmrc,
    [
      `registry=${registryUrl}`,
      `${hostPath}:_authToken=${token}`,
      // Keep the registry in installed lockfiles: the test checks where each
      // package came from.
      'omit-lockfile-registry-resolved=false',
      'audit=false',
      'fund=false',
      'update-notifier=false',
      'loglevel=warn',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return {
    ...cleanEnv(),
    npm_config_userconfig: npmrc,
    npm_config_cache: path.join(dir, 'npm-cache'),
    // The registry of the temp userconfig must win over any in the global one.
    npm_config_registry: registryUrl,
  };
}

module.exports = { cleanEnv, localRegistryEnv };
