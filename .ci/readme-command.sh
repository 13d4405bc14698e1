#!/usr/bin/env bash
# Prints one of the two commands the README's first screen gives a new user:
#   .ci/readme-command.sh setup   -> line 1 of the first ```sh block
#   .ci/readme-command.sh test    -> line 2
# CI runs exactly these, so the README and CI cannot drift apart.
set -euo pipefail
which="${1:?usage: readme-command.sh setup|test}"
case "$which" in setup) line=1 ;; test) line=2 ;; *) echo "readme-command: setup or test, not '$which'" >&2; exit 2 ;; esac
readme="$(dirname "$0")/../README.md"
command="$(awk '/^```sh$/ { inside = 1; next } inside && /^```/ { exit } inside { print }' "$readme" \
  | sed -n "${line}p" | sed -E 's/[[:space:]]+#.*$//')"
[ -n "$command" ] || { echo "readme-command: no $which command in the README's first sh block" >&2; exit 1; }
printf '%s\n' "$command"
