#pragma once

#include "core/embed/api_key_resolver.h"
#include "core/search/hybrid_search.h"

#include <QString>

namespace quiver {

class PgConnection;

// How a query is embedded for an index of `model`: with the profile whose embeddings carry that
// model id (the default profile first), so a query meets the collection in the same space. Its
// API key, where it takes one, comes from ApiKeyResolver. Blocking (the keychain may be asked, a
// local model loaded). Throws SearchError naming the fix when no profile makes such vectors, and
// EmbedError when the profile cannot work (a missing key, a damaged model).
// The model to search by: the default profile's when it has embeddings (what the workers make
// and what the user chose), else the model with the most; empty when nothing is embedded.
QString preferredSearchModel(PgConnection& conn);

QueryEmbedder queryEmbedderForModel(PgConnection& conn, const QString& model,
                                    const ApiKeyResolver::Sources& keySources = {});

} // namespace quiver
