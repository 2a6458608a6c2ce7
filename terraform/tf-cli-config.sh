#!/bin/sh
# Prints the Terraform CLI configuration file to use (for TF_CLI_CONFIG_FILE).
# When the provider mirror exists (machines without internet), writes a config that installs the
# hashicorp/* providers from it and everything else from the registry, and prints its path.
# Otherwise prints the caller's own TF_CLI_CONFIG_FILE (possibly empty), so online init is unchanged.
# Usage: tf-cli-config.sh OUTPUT_FILE   (mirror directory: $TF_PLUGIN_MIRROR, default /opt/tf-plugins)
set -eu
out="${1:?usage: tf-cli-config.sh OUTPUT_FILE}"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
if [ ! -d "$mirror" ]; then
    printf '%s\n' "${TF_CLI_CONFIG_FILE:-}"
    exit 0
fi
mkdir -p "$(dirname "$out")"
cat >"$out" <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
CONFIG
printf '%s\n' "$out"
