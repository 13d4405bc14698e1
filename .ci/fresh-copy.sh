#!/usr/bin/env bash
# A stranger's first minutes, independent of this team's machines: the
# repository alone (git archive of HEAD) in an empty temporary directory with
# no sibling folders, the README's set-up command exactly, then udf-run through
# npx at the root and in an example, and the tests that read the committed
# vectors. npx runs with an unreachable registry configured: a fall-back to
# the registry (no local bin) fails here instead of fetching a stranger's code.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
setup="$("$root/.ci/readme-command.sh" setup)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/repo"
git -C "$root" archive HEAD | tar -x -C "$work/repo"
cd "$work/repo"
echo "fresh copy: $work/repo (siblings: $(ls -A "$work" | grep -vx repo | wc -l))"

echo "+ $setup"
bash -c "$setup"

offline() { npm_config_registry=http://127.0.0.1:9/ "$@"; }
echo '+ npx --no-install udf-run Mirror --describe   (root)'
offline npx --no-install udf-run Mirror --describe | grep -F '[udf.functions.mirror]'
echo '+ npx udf-run --list   (root)'
offline npx udf-run --list | grep -E '^mirror +stream -> stream .*workspace package "@kapacitor-udf/example-mirror"'
(
  cd examples/mirror
  echo '+ npx --no-install udf-run Mirror --describe   (examples/mirror)'
  offline npx --no-install udf-run Mirror --describe | grep -F '[udf.functions.mirror]'
  echo '+ npx --no-install udf-run mirror < /dev/null   (examples/mirror: a process UDF, ends at EOF)'
  offline npx --no-install udf-run mirror < /dev/null
)
echo '+ the tests that read the committed vectors, and the self-containment check'
npx jest --ci vectors frame-decoder test/repository
echo 'fresh copy: passed'
