#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quiver {

// BM25's free parameters. k1 bounds what repeating a term can add; b is how much a long chunk's
// extra words discount each match. A title word counts as titleWeight body words (BM25F with
// one length normalisation over the weighted fields).
struct Bm25Params {
    double k1 = 0.9;
    double b = 0.4;
    double titleWeight = 2.0;
};

// One analysed word of a chunk: its term and position (see TextAnalyzer).
using TermAt = std::pair<std::string_view, int>;

// A query in index terms (already analysed): scored terms rank by BM25 (any may match); the
// others only decide which chunks qualify.
struct Bm25Query {
    using Phrase = std::vector<std::pair<std::string, int>>; // term, position from the first
    std::vector<std::string> scored;
    // How often each scored term occurs in the query (Robertson's qtf with k3 unbounded, as in
    // Lucene): a long query that repeats a word means it more. Empty: once each.
    std::vector<double> repeats;
    std::vector<std::string> required;
    std::vector<Phrase> phrases;
    std::vector<std::string> excluded;
    std::vector<Phrase> excludedPhrases;
};

struct Bm25Hit {
    std::int64_t chunkId = 0;
    std::int64_t documentId = 0;
    double score = 0;
    std::uint64_t matched = 0; // bit i: scored[i] occurs in the chunk (the first 64 terms)
};

// An in-memory inverted index of chunks, ranked by Okapi BM25 (Robertson & Zaragoza 2009, with
// Lucene's never-negative idf). Each term holds two append-only varint streams: its postings
// (document gap, body and title term frequency) and their positions (for phrases). Chunks are
// slots numbered in the order they were added, so appending keeps every list sorted. Removing a
// chunk marks its slot; its postings stay (and count in document frequencies, as in Lucene)
// until compact() rewrites the lists without them.
//
// Queries are scored term at a time into a dense accumulator: a few hundred thousand postings
// per query cost well under a millisecond, so no skipping structure is needed at the sizes a
// desktop holds.
//
// Not synchronised: any number of concurrent search() calls, or one writer alone.
class Bm25Index {
public:
    Bm25Index();
    ~Bm25Index();
    Bm25Index(Bm25Index&&) noexcept;
    Bm25Index& operator=(Bm25Index&&) noexcept;

    // Adds a chunk, replacing one of the same id. titleLength and bodyLength count the field's
    // words including those the analyzer dropped, as positions do.
    void add(std::int64_t chunkId, std::int64_t documentId, std::span<const TermAt> title,
             int titleLength, std::span<const TermAt> body, int bodyLength);
    // False when the chunk is not in the index.
    bool remove(std::int64_t chunkId);
    bool contains(std::int64_t chunkId) const;

    std::size_t size() const;         // live chunks
    std::size_t removedSlots() const; // removed chunks whose postings are still stored
    std::size_t termCount() const;
    std::size_t memoryBytes() const;
    // Rewrites every list without the removed chunks' postings.
    void compact();

    // The k best chunks, best first (ties: smaller chunk id first). allow, when set, is asked
    // about each candidate's document and excludes those it rejects.
    std::vector<Bm25Hit>
    search(const Bm25Query& query, std::size_t k, const Bm25Params& params,
           const std::function<bool(std::int64_t documentId)>& allow = {}) const;

    // A stable binary form with a checksum, appended to out; read() throws std::runtime_error
    // on anything that is not exactly what write() produced.
    void write(std::string& out) const;
    static Bm25Index read(std::string_view bytes);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace quiver
