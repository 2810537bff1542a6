#pragma once

#include "core/search/hybrid_search.h"
#include "core/search/keyword_index.h"
#include "core/search/search_index.h"

#include <QString>

#include <memory>

namespace quiver {
class PgConnection;
}

namespace quiver::cli {

class CliOutput;

// The embedding model whose index the search and index commands use: the one asked for, else
// the model with the most stored embeddings; empty when the database holds none.
QString resolveIndexModel(PgConnection& conn, const QString& requested);

// Opens (building when needed) the index of model in Quiver's cache folder, reporting build
// progress on stderr.
std::unique_ptr<SearchIndex> openSearchIndex(PgConnection& conn, const QString& model,
                                             bool rebuild = false);

// Opens (building when needed) this database's keyword index in Quiver's cache folder, with
// the BM25 settings of QSettings, reporting build progress on stderr.
std::unique_ptr<KeywordIndex> openKeywordIndex(PgConnection& conn, bool rebuild = false);

// How a query is embedded with model: the profile that makes such vectors
// (core/search/query_embedder_factory.h).
QueryEmbedder queryEmbedderForModel(PgConnection& conn, const QString& model);

} // namespace quiver::cli
