#!/usr/bin/env bash
# Show a saved plan in the job summary, cut to stay under GitHub's 1 MiB summary limit (a larger summary is
# dropped without failing the job). Usage: .github/scripts/plan-summary.sh PLAN_FILE TITLE
set -euo pipefail
plan="$1" title="$2"
limit=900000
shown="$(mktemp)"
terraform -chdir=terraform show -no-color "$plan" > "$shown"
{
    echo "### $title"
    echo
    echo '```'
    head -c "$limit" "$shown"
    if [ "$(wc -c < "$shown")" -gt "$limit" ]; then
        echo
        echo "... (cut at $limit bytes: the whole plan is in the job log)"
    fi
    echo '```'
} >> "$GITHUB_STEP_SUMMARY"
