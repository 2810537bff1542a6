#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace quiver {

enum class SearchMode { Hybrid, Semantic, Keyword };

// "hybrid", "semantic", "keyword"; nullopt for anything else.
std::optional<SearchMode> searchModeFromName(const QString& name);
QString searchModeName(SearchMode mode);

// Restricts which chunks may be returned. Empty members do not restrict.
struct SearchFilters {
    QList<qint64> collectionIds;
    QStringList mimeTypes;    // documents.mime, exact values ("application/pdf")
    QDateTime importedAfter;  // documents.imported_at >= this
    QDateTime importedBefore; // documents.imported_at < this
    bool isEmpty() const {
        return collectionIds.isEmpty() && mimeTypes.isEmpty() && !importedAfter.isValid() &&
               !importedBefore.isValid();
    }
};

struct SearchRequest {
    QString text;
    int k = 10;
    SearchMode mode = SearchMode::Hybrid;
    SearchFilters filters;
    int perDocument = 0; // at most this many passages of one document; 0: no limit
};

// Where one arm ranked a result (1-based) and its own score there: BM25 for the keyword arm,
// cosine similarity for the semantic arm.
struct ArmRank {
    int rank = 0;
    double score = 0;
};

// One result, hydrated from the database.
struct SearchHit {
    qint64 chunkId = 0;
    qint64 documentId = 0;
    int ordinal = 0;         // the chunk's position in its document
    std::optional<int> page; // 1-based page for paged formats, when known
    QString path;
    QString title;
    QString mime;
    QString collection;
    QString text;
    // hybrid: the fused score (0 to 1); semantic: cosine similarity; keyword: BM25
    double score = 0;
    std::optional<ArmRank> keyword;  // absent: the keyword arm did not find it
    std::optional<ArmRank> semantic; // absent: not among the semantic arm's candidates
    QStringList matched;             // the query's words the passage holds, as typed
};

// A candidate from one ranking before fusion: a chunk and that ranking's score.
struct RankedChunk {
    qint64 chunkId = 0;
    double score = 0;
};

} // namespace quiver
