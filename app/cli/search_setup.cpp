#include "app/cli/search_setup.h"

#include "core/db/pg_connection.h"
#include "core/search/embedding_source.h"
#include "core/search/query_embedder_factory.h"
#include "core/search/search_settings.h"

#include <QSettings>

#include <cstdio>

namespace quiver::cli {

namespace {

// Reports a build's progress on stderr, a line every tenth.
std::function<bool(double, const QString&)> progressLines(const char* what) {
    return [what, lastPercent = -1](double f, const QString& step) mutable {
        const int percent = static_cast<int>(f * 100);
        if (percent / 10 != lastPercent / 10) {
            lastPercent = percent;
            const QByteArray line = QStringLiteral("quiver-cli: %1: %2 (%3%)\n")
                                        .arg(QString::fromLatin1(what), step)
                                        .arg(percent)
                                        .toUtf8();
            std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stderr);
        }
        return true;
    };
}

} // namespace

QString resolveIndexModel(PgConnection& conn, const QString& requested) {
    if (!requested.isEmpty())
        return requested;
    return preferredSearchModel(conn);
}

std::unique_ptr<SearchIndex> openSearchIndex(PgConnection& conn, const QString& model,
                                             bool rebuild) {
    auto index = std::make_unique<SearchIndex>(model);
    const SearchIndex::Progress progress = progressLines("index");
    if (rebuild)
        index->rebuild(conn, progress);
    else
        index->open(conn, progress);
    return index;
}

std::unique_ptr<KeywordIndex> openKeywordIndex(PgConnection& conn, bool rebuild) {
    KeywordIndexOptions options;
    options.params = SearchSettings::load(QSettings()).bm25;
    auto index = std::make_unique<KeywordIndex>(options);
    const KeywordIndex::Progress progress = progressLines("keyword index");
    index->open(conn, progress);
    if (rebuild)
        index->rebuild(conn, progress);
    return index;
}

QueryEmbedder queryEmbedderForModel(PgConnection& conn, const QString& model) {
    return quiver::queryEmbedderForModel(conn, model);
}

} // namespace quiver::cli
