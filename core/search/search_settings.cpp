#include "core/search/search_settings.h"

#include <QSettings>

#include <algorithm>

namespace quiver {

SearchSettings SearchSettings::load(const QSettings& s) {
    SearchSettings out;
    const auto number = [&s](const char* key, double fallback, double lo, double hi) {
        bool ok = false;
        const double v = s.value(QString::fromLatin1(key)).toDouble(&ok);
        return ok ? std::clamp(v, lo, hi) : fallback;
    };
    out.bm25.k1 = number("search/bm25K1", out.bm25.k1, 0.0, 10.0);
    out.bm25.b = number("search/bm25B", out.bm25.b, 0.0, 1.0);
    out.bm25.titleWeight = number("search/titleWeight", out.bm25.titleWeight, 0.0, 20.0);
    out.fusion.keywordWeight = number("search/keywordWeight", out.fusion.keywordWeight, 0.0, 1.0);
    const QString method = s.value(QStringLiteral("search/fusion")).toString();
    if (method == QLatin1String("rrf"))
        out.fusion.method = FusionParams::Method::ReciprocalRank;
    else if (method == QLatin1String("scores"))
        out.fusion.method = FusionParams::Method::Scores;
    out.fusion.rrfK = number("search/rrfK", out.fusion.rrfK, 1.0, 1000.0);
    out.perDocument =
        static_cast<int>(number("search/passagesPerDocument", out.perDocument, 0, 1000));
    return out;
}

} // namespace quiver
