#pragma once

// The parts of relevance_bench that know nothing of Quiver: reading a BEIR dataset, the
// reference BM25 and the retrieval measures. Nothing here includes core/: the reference must
// stay independent of the product it is compared with.

#include <QHash>
#include <QString>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace quiver::bench {

// A dataset file that is missing, a Git LFS pointer, or malformed; the message names the file
// (and line) and what is wrong.
class DatasetError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct BeirDocument {
    QString id;
    QString title;
    QString text;
};

struct BeirQuery {
    QString id;
    QString text;
    QHash<int, int> gains;      // corpus index -> qrels score, for judged documents in the corpus
    std::vector<int> allScores; // every qrels score of the query (judged documents missing from
                                // the corpus included), best first: the ideal ranking
    int relevant = 0;           // qrels rows with score > 0
};

// One BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.
struct BeirDataset {
    QString name; // the folder's name
    QString dir;
    std::vector<BeirDocument> corpus;
    QHash<QString, int> corpusIndex;
    std::vector<BeirQuery> queries; // the test queries (those in qrels), in queries.jsonl order
    int qrelsMissingDocuments = 0;  // qrels rows naming a document the corpus lacks
    int qrelsMissingQueries = 0;    // qrels queries that queries.jsonl lacks (left out)

    // Checks that the three files exist and are not Git LFS pointers, without reading them.
    static void check(const QString& dir);
    static BeirDataset load(const QString& dir);
};

// The published BM25 nDCG@10 of BEIR (Thakur et al. 2021) for a dataset folder name.
std::optional<double> publishedBm25Ndcg10(const QString& name);

// Okapi BM25 over a set of passages, in memory: idf = ln(1 + (N - df + 0.5) / (df + 0.5)),
// term weight idf * tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)), summed over the query's
// tokens (a repeated token counts again). Tokens: lower-cased, split on everything that is not
// a letter or a digit; no stemming, no stop words.
class ReferenceBm25 {
public:
    struct Hit {
        qint64 id = 0;
        double score = 0;
    };

    explicit ReferenceBm25(double k1 = 0.9, double b = 0.4);
    void add(qint64 id, const QString& text);
    // The best `limit` passages holding any query token, best first (ties: lower id first).
    std::vector<Hit> search(const QString& query, int limit) const;
    std::size_t size() const { return m_ids.size(); }

    static std::vector<QString> tokens(const QString& text);

private:
    double m_k1;
    double m_b;
    std::vector<qint64> m_ids;
    std::vector<std::uint32_t> m_lengths;
    std::uint64_t m_totalLength = 0;
    QHash<QString, std::uint32_t> m_terms;
    // Per term: (passage slot, term frequency), slots ascending.
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> m_postings;
};

// The documents of a ranked list of passages, in order of their first passage (a document
// ranks where its best passage does), without the query's own id (BEIR's evaluation leaves out
// a document whose id equals the query's) and without unknown ones (index < 0).
std::vector<int> documentRanking(const std::vector<int>& passageDocuments, const BeirDataset& data,
                                 const BeirQuery& query);

struct QueryMeasures {
    double ndcg10 = 0;    // graded gains, DCG = sum gain / log2(rank + 1), ideal from the qrels
    double recall100 = 0; // relevant (score > 0) found in the top 100 / relevant judged
    double mrr10 = 0;     // 1 / rank of the first relevant document within the top 10
    double hit1 = 0;
    double hit5 = 0;
};

QueryMeasures measure(const std::vector<int>& documents, const BeirQuery& query);

// Nearest-rank percentile of v (p in [0, 1]); 0 for an empty v.
double percentileOf(std::vector<double> v, double p);

} // namespace quiver::bench
