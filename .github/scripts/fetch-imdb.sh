#!/usr/bin/env bash
# The IMDB archive for CI runners, which have no ../shared/data: Stanford's original, checked against the sha256
# training/data.py knows (a cache restores it on later runs). Usage: .github/scripts/fetch-imdb.sh DEST
set -euo pipefail
dest="$1"
sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
if [ ! -f "$dest" ]; then
    mkdir -p "$(dirname "$dest")"
    curl --fail --location --retry 3 --max-time 900 --silent --show-error --output "$dest.part" "$url"
    mv "$dest.part" "$dest"
fi
echo "$sha256  $dest" | sha256sum --check --strict
