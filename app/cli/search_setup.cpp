#include "app/cli/search_setup.h"

#include "core/db/pg_connection.h"
#include "core/search/embedding_source.h"
#include "core/search/query_embedder_factory.h"

#include <cstdio>

namespace quiver::cli {

QString resolveIndexModel(PgConnection& conn, const QString& requested) {
    if (!requested.isEmpty())
        return requested;
    return preferredSearchModel(conn);
}

std::unique_ptr<SearchIndex> openSearchIndex(PgConnection& conn, const QString& model,
                                             bool rebuild) {
    auto index = std::make_unique<SearchIndex>(model);
    int lastPercent = -1;
    const SearchIndex::Progress progress = [&lastPercent](double f, const QString& step) {
        const int percent = static_cast<int>(f * 100);
        if (percent / 10 != lastPercent / 10) {
            lastPercent = percent;
            const QByteArray line =
                QStringLiteral("quiver-cli: index: %1 (%2%)\n").arg(step).arg(percent).toUtf8();
            std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stderr);
        }
        return true;
    };
    if (rebuild)
        index->rebuild(conn, progress);
    else
        index->open(conn, progress);
    return index;
}

QueryEmbedder queryEmbedderForModel(PgConnection& conn, const QString& model) {
    return quiver::queryEmbedderForModel(conn, model);
}

} // namespace quiver::cli
