#include "core/search/search_types.h"

namespace quiver {

std::optional<SearchMode> searchModeFromName(const QString& name) {
    if (name == QLatin1String("hybrid"))
        return SearchMode::Hybrid;
    if (name == QLatin1String("semantic"))
        return SearchMode::Semantic;
    if (name == QLatin1String("keyword"))
        return SearchMode::Keyword;
    return std::nullopt;
}

QString searchModeName(SearchMode mode) {
    switch (mode) {
    case SearchMode::Hybrid:
        return QStringLiteral("hybrid");
    case SearchMode::Semantic:
        return QStringLiteral("semantic");
    case SearchMode::Keyword:
        return QStringLiteral("keyword");
    }
    return {};
}

} // namespace quiver
