#!/usr/bin/env sh
# Rewrites docs/examples/<role>.md: one whole demo interview per shipped role, made with
# `interview-bot demo --profile average` on a fresh SQLite file (offline brain, seed 0).
# Run from the repository root: sh docs/examples/regenerate.sh
set -eu
out="$(cd "$(dirname "$0")" && pwd)"
bot="${INTERVIEW_BOT:-interview-bot}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for role in backend-engineer data-analyst database-administrator site-reliability-engineer; do
  command="interview-bot demo --profile average --role $role"
  {
    printf 'Made with `%s` (offline brain, seed 0, 100 columns).\n\n```text\n' "$command"
    (cd "$work" && rm -f interview-bot.sqlite3 && COLUMNS=100 NO_COLOR=1 \
      "$bot" demo --profile average --role "$role") | grep -v '^Interview id: '
    printf '```\n'
  } > "$out/$role.md"
done
