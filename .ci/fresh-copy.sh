#!/usr/bin/env bash
# A stranger's first minutes, independent of this team's machines: the
# repository alone (git archive of HEAD) in an empty temporary directory with
# no sibling folders, the README's set-up command exactly, then udf-run through
# npx at the root and in an example, and the tests that read the committed
# vectors; then the README's scaffold steps exactly (a UDF package beside the
# copy, made from it with --from). npx runs with an unreachable registry
# configured: a fall-back to the registry (no local bin) fails here instead of
# fetching a stranger's code. The scaffold steps run with the @kapacitor-udf
# scope's registry unreachable: a package of ours asked of the registry fails
# them (the tools, jest and TypeScript, come from the registry).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
setup="$("$root/.ci/readme-command.sh" setup)"
scaffold="$("$root/.ci/readme-command.sh" scaffold)"

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

echo "+ the README's scaffold steps, from $work/repo:"
printf '    %s\n' "$scaffold"
# npm logs every registry request at the http level; a failed one for our
# scope would not always fail the install (npm can fall back to a package it
# already has), so the log is searched for it as well.
env 'npm_config_@kapacitor-udf:registry=http://127.0.0.1:9/' npm_config_fetch_retries=0 npm_config_loglevel=http \
  npm_config_fund=false npm_config_audit=false bash -euo pipefail -c "$scaffold" 2>&1 | tee "$work/scaffold.log"
if grep -F '127.0.0.1:9/@kapacitor-udf' "$work/scaffold.log"; then
  echo 'fresh copy: the scaffold steps asked a registry for a @kapacitor-udf package' >&2
  exit 1
fi
(
  cd "$work/my-udfs"
  echo '+ npx udf-run deadband --describe   (the scaffolded package, registry unreachable)'
  offline npx udf-run deadband --describe | grep -F '[udf.functions.deadband]'
)
echo 'fresh copy: passed'
