#!/usr/bin/env bash
# A short run of every ann_bench mode, so that its flags and its output keep working: each mode
# must exit 0 and print one JSON line per search setting with a sane recall.
set -euo pipefail
bench=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
common=(--synthetic 3000,32,8 --queries 50 --search-L 20,60 --threads 2 --build-threads 2 --k 10)

check() { # mode-prefix expected-lines output
  local lines
  lines=$(grep -c "\"mode\":\"$1" <<<"$3" || true)
  if [[ "$lines" -lt "$2" ]]; then
    echo "ann_bench smoke: expected $2 result lines for mode $1, got $lines:" >&2
    echo "$3" >&2
    exit 1
  fi
  # Recall at the widest setting: a broken index or a broken recall computation shows here.
  local recall
  recall=$(grep "\"mode\":\"$1" <<<"$3" | grep '"L":60' | head -1 | sed -n 's/.*"recall":\([0-9.]*\).*/\1/p')
  if ! awk -v r="$recall" 'BEGIN { exit !(r >= 0.8) }'; then
    echo "ann_bench smoke: mode $1 recall at L=60 is '$recall' (expected >= 0.8)" >&2
    exit 1
  fi
}

out=$("$bench" "${common[@]}" --mode memory --hnswlib --synthetic-kind blobs,subspace)
echo "$out"
check memory 4 "$out"
check hnswlib 4 "$out"
out=$("$bench" "${common[@]}" --mode ssd --metric cosine --index-dir "$dir")
echo "$out"
check ssd 2 "$out"
# The streaming merge (30% churn) beside a fresh build: a "merge" and a "merge_fresh" line per L.
out=$("$bench" "${common[@]}" --mode merge --churn 0.3 --index-dir "$dir")
echo "$out"
check merge 4 "$out"
check merge_fresh 2 "$out"
# In-place updates: two rounds of 10% deletes and inserts on the file, beside fresh builds.
out=$("$bench" "${common[@]}" --mode churn --rounds 2 --round-churn 0.1 --index-dir "$dir")
echo "$out"
check churn 4 "$out"
check churn_fresh 4 "$out"
# Filtered searches at two selectivities beside the unfiltered one, in memory and on disk.
out=$("$bench" "${common[@]}" --mode memory --filter-selectivity 0.3,0.02)
echo "$out"
check memory_filtered 6 "$out"
out=$("$bench" "${common[@]}" --mode ssd --filter-selectivity 0.3,0.02 --index-dir "$dir")
echo "$out"
check ssd_filtered 6 "$out"
echo "ann_bench smoke: ok"
