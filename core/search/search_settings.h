#pragma once

#include "core/search/bm25_index.h"
#include "core/search/rank_fusion.h"

class QSettings;

namespace quiver {

// How search ranks, with the defaults the app ships; stored under "search/" in QSettings (the
// keyword analyzer's language is the database's: quiver.set_keyword_language). The defaults
// were chosen on public BEIR datasets with tests/bench/relevance_bench (README, "Search
// quality").
struct SearchSettings {
    Bm25Params bm25;
    FusionParams fusion;
    int perDocument = 0; // passages of one document in a result list; 0: no limit

    static SearchSettings load(const QSettings& settings);
};

} // namespace quiver
