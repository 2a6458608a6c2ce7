#!/usr/bin/env bash
# Static checks of terraform/: fmt, then for the root, every module and every example an init and
# `terraform test` of its own tests/ (each example plans itself there: examples/*/tests/; mocked AWS
# provider, no credentials), README tables (tf_docs.py --check), and checkov with the repository's
# .checkov.yml. `terraform test` validates the configuration before its first run (an unknown argument or
# an undeclared variable fails it), so a separate `terraform validate` runs only where there are no tests:
# each Terraform command loads the aws provider's schema, about 4.5 s of CPU.
# Works offline when the provider mirror exists (see tf-cli-config.sh). Prints each step's duration.
# Usage: terraform/tf-check.sh   (CHECKOV=path/to/checkov to override .venv-tools/bin/checkov)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
TF_CLI_CONFIG_FILE="$("$here/tf-cli-config.sh" "$repo/.cache/terraform/cli.tfrc")"
export TF_CLI_CONFIG_FILE TF_IN_AUTOMATION=1 TF_INPUT=0
# Go's garbage collector at 400 instead of 100 for Terraform and the providers it starts: loading the aws
# provider's schema allocates heavily, and collecting about a quarter as often saves 10 to 17 % of a
# command's CPU here (scripts/local_aws/terraform.py does the same for the local stacks).
export GOGC="${GOGC:-400}"
checkov="${CHECKOV:-$repo/.venv-tools/bin/checkov}"

step() {
    local name="$1" start=$SECONDS
    shift
    echo "== $name"
    "$@"
    echo "   ok: $name ($((SECONDS - start)) s)"
}

init_and() {
    local check="$1" dir="$2"
    terraform -chdir="$dir" init -backend=false -no-color >/dev/null
    terraform -chdir="$dir" "$check" -no-color
}

step "terraform fmt -check -recursive" terraform -chdir="$here" fmt -check -recursive -diff
for dir in "$here" "$here"/modules/*/ "$here"/examples/*/; do
    dir="${dir%/}"
    if [ -d "$dir/tests" ]; then check="test"; else check="validate"; fi
    step "terraform $check ${dir#"$repo"/}" init_and "$check" "$dir"
done
step "README inputs/outputs tables" python3 "$here/tf_docs.py" --check
if [ ! -x "$checkov" ]; then
    echo "checkov not found at $checkov: python3 -m venv .venv-tools && .venv-tools/bin/pip install checkov==3.3.30" >&2
    exit 1
fi
step "checkov" env BC_SKIP_MAPPING=TRUE "$checkov" --config-file "$repo/.checkov.yml"
