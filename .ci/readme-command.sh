#!/usr/bin/env bash
# Prints commands the README gives a new user:
#   .ci/readme-command.sh setup     -> line 1 of the first ```sh block
#   .ci/readme-command.sh test      -> line 2
#   .ci/readme-command.sh scaffold  -> the whole ```sh block after the comment
#                                      "<!-- .ci/fresh-copy.sh runs the next block as it is -->"
#                                      (the tour's scaffold steps), unindented
# CI runs exactly these, so the README and CI cannot drift apart.
set -euo pipefail
which="${1:?usage: readme-command.sh setup|test|scaffold}"
readme="$(dirname "$0")/../README.md"
if [ "$which" = scaffold ]; then
  block="$(awk '
    /<!-- \.ci\/fresh-copy\.sh runs the next block as it is -->/ { marked = 1; next }
    marked && !inside && /^[[:space:]]*```sh$/ { inside = 1; indent = index($0, "`") - 1; next }
    inside && /^[[:space:]]*```$/ { exit }
    inside { print substr($0, indent + 1) }
  ' "$readme")"
  [ -n "$block" ] || { echo "readme-command: no marked scaffold block in the README" >&2; exit 1; }
  printf '%s\n' "$block"
  exit 0
fi
case "$which" in setup) line=1 ;; test) line=2 ;; *) echo "readme-command: setup, test or scaffold, not '$which'" >&2; exit 2 ;; esac
command="$(awk '/^```sh$/ { inside = 1; next } inside && /^```/ { exit } inside { print }' "$readme" \
  | sed -n "${line}p" | sed -E 's/[[:space:]]+#.*$//')"
[ -n "$command" ] || { echo "readme-command: no $which command in the README's first sh block" >&2; exit 1; }
printf '%s\n' "$command"
