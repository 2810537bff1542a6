#!/usr/bin/env python3
"""Sweeps fusion of the keyword and semantic rankings offline, from a relevance_bench --dump.

    python3 tests/bench/relevance_sweep.py DUMP DATASET_DIR... [--keyword-arm ARM]

For each dataset folder (its qrels/test.tsv) it prints nDCG@10, hit@1 and hit@5 of the dumped
arms as they are (they should equal relevance_bench's table), then of fusions of the keyword arm
(default "keyword"; "bm25_ref" fuses the reference BM25 instead) with the semantic arm:
  rrf       w / (k + rank_keyword) + (1 - w) / (k + rank_semantic), k in {10, 20, 60},
            keyword weight w in {0.5 .. 0.9}
  convex    a * keyword + (1 - a) * semantic over scores min-max normalised per query and list,
            a in {0.3 .. 0.9}
A chunk missing from one list gets 0 from it. Chunks are fused, then collapsed to documents as
the bench does (a document ranks at its best chunk; a document whose id is the query's is left
out), and measured over the queries of the dump.
"""
import argparse
import csv
import math
import os
import sys
from collections import defaultdict


def read_dump(path):
    """{dataset: {query: {arm: [(chunk, score, doc), ...] best first}}}"""
    runs = defaultdict(lambda: defaultdict(dict))
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        for r in rows:
            ranked = runs[r["dataset"]][r["query_id"]].setdefault(r["arm"], [])
            ranked.append((int(r["rank"]), int(r["chunk_id"]), float(r["score"]), r["doc_id"]))
    for queries in runs.values():
        for arms in queries.values():
            for arm, ranked in arms.items():
                arms[arm] = [(c, s, d) for _, c, s, d in sorted(ranked)]
    return runs


def read_qrels(folder):
    qrels = defaultdict(dict)
    with open(os.path.join(folder, "qrels", "test.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            if line.strip():
                q, d, score = line.rstrip("\r\n").split("\t")
                qrels[q][d] = int(score)
    return qrels


def documents(ranked, query):
    """Documents in order of their first chunk, without the query's own id."""
    seen, out = set(), []
    for _, _, doc in ranked:
        if doc and doc != query and doc not in seen:
            seen.add(doc)
            out.append(doc)
    return out


def measures(docs, judged):
    gains = [judged.get(d, 0) for d in docs[:10]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains) if g > 0)
    ideal = sorted((s for s in judged.values() if s > 0), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return (dcg / idcg if idcg else 0.0, float(any(g > 0 for g in gains[:1])),
            float(any(g > 0 for g in gains[:5])))


def normalised(ranked):
    """The list with its scores min-max normalised (all 1 when they are equal)."""
    if not ranked:
        return []
    lo, hi = min(s for _, s, _ in ranked), max(s for _, s, _ in ranked)
    return [(c, (s - lo) / (hi - lo) if hi > lo else 1.0, d) for c, s, d in ranked]


def fuse(lists, contribution):
    """Sums contribution(list_index, rank0, score) per chunk; best first."""
    total, doc_of = defaultdict(float), {}
    for li, ranked in enumerate(lists):
        for rank0, (chunk, score, doc) in enumerate(ranked):
            total[chunk] += contribution(li, rank0, score)
            doc_of[chunk] = doc
    order = sorted(total, key=lambda c: -total[c])  # stable: first appearance wins ties
    return [(c, total[c], doc_of[c]) for c in order]


def rrf(k, w_keyword):
    weights = (w_keyword, 1.0 - w_keyword)
    return lambda li, rank0, score: weights[li] / (k + rank0 + 1)


def convex(alpha):
    weights = (alpha, 1.0 - alpha)
    return lambda li, rank0, score: weights[li] * score


def evaluate(queries, qrels, rank):
    sums = [0.0, 0.0, 0.0]
    for q, arms in queries.items():
        for i, m in enumerate(measures(documents(rank(arms, q), q), qrels.get(q, {}))):
            sums[i] += m
    return [s / max(len(queries), 1) for s in sums]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump")
    parser.add_argument("datasets", nargs="+", metavar="DATASET_DIR")
    parser.add_argument("--keyword-arm", default="keyword")
    args = parser.parse_args()
    runs = read_dump(args.dump)
    for folder in args.datasets:
        name = os.path.basename(os.path.normpath(folder))
        if name not in runs:
            sys.exit(f"relevance_sweep: {args.dump} holds no run of {name}")
        queries, qrels = runs[name], read_qrels(folder)
        arms = sorted({arm for a in queries.values() for arm in a})
        print(f"\n{name}: {len(queries)} queries; fusing {args.keyword_arm} with semantic")
        print(f"{'method':<28} {'nDCG@10':>8} {'hit@1':>6} {'hit@5':>6}")
        lines = [(f"arm {arm}", evaluate(queries, qrels, lambda a, q, arm=arm: a.get(arm, [])))
                 for arm in arms]
        pair = lambda a: [a.get(args.keyword_arm, []), a.get("semantic", [])]
        normal = {q: [normalised(r) for r in pair(a)] for q, a in queries.items()}
        for k in (10, 20, 60):
            for w in (0.5, 0.6, 0.7, 0.8, 0.9):
                lines.append((f"rrf k={k} w_kw={w}",
                              evaluate(queries, qrels, lambda a, q: fuse(pair(a), rrf(k, w)))))
        for alpha in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            lines.append((f"convex a={alpha}",
                          evaluate(queries, qrels, lambda a, q: fuse(normal[q], convex(alpha)))))
        best = max(ndcg for label, (ndcg, _, _) in lines if not label.startswith("arm "))
        for label, (ndcg, hit1, hit5) in lines:
            mark = ""
            if ndcg == best and not label.startswith("arm "):
                mark, best = "  <- best fusion", None
            print(f"{label:<28} {ndcg:8.4f} {hit1:6.3f} {hit5:6.3f}{mark}")


if __name__ == "__main__":
    main()
