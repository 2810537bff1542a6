#include "app/cli/search_command.h"

#include "app/cli/search_setup.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder.h"
#include "core/session/database_opener.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSettings>

#include <cstdio>

namespace quiver::cli {

namespace {

const char* const kUsage =
    "usage: quiver-cli search TEXT [-k N] [--collection NAME] [--type MIME[,MIME...]] "
    "[--after DATE] [--before DATE] [--mode hybrid|semantic|keyword] [--model M] [--json]";

// An ISO 8601 date (local midnight) or date and time; an invalid QDateTime when neither.
QDateTime parseWhen(const QString& text) {
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (day.isValid())
        return QDateTime(day, QTime(0, 0));
    return QDateTime::fromString(text, Qt::ISODate);
}

void warn(const QString& text) {
    const QByteArray line = (QStringLiteral("quiver-cli: ") + text + QLatin1Char('\n')).toUtf8();
    std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stderr);
}

QString oneLine(const QString& text, int max) {
    QString s = text.simplified();
    if (s.size() > max)
        s = s.left(max - 1) + QChar(0x2026);
    return s;
}

void print(const CliOutput& out, const std::vector<SearchHit>& hits) {
    int rank = 0;
    for (const SearchHit& h : hits) {
        ++rank;
        if (out.json()) {
            out.object(QJsonObject{
                {QStringLiteral("rank"), rank},
                {QStringLiteral("path"), h.path},
                {QStringLiteral("title"), h.title.isNull() ? QJsonValue() : QJsonValue(h.title)},
                {QStringLiteral("collection"), h.collection},
                {QStringLiteral("chunk"), h.ordinal},
                {QStringLiteral("chunk_id"), h.chunkId},
                {QStringLiteral("page"), h.page ? QJsonValue(*h.page) : QJsonValue()},
                {QStringLiteral("score"), h.score},
                {QStringLiteral("mime"), h.mime.isNull() ? QJsonValue() : QJsonValue(h.mime)},
                {QStringLiteral("text"), h.text},
            });
            continue;
        }
        QString where = QStringLiteral("chunk %1").arg(h.ordinal);
        if (h.page)
            where += QStringLiteral(", page %1").arg(*h.page);
        out.line(QStringLiteral("%1. %2  %3 [%4] %5 (%6)")
                     .arg(rank)
                     .arg(h.score, 0, 'f', 4)
                     .arg(h.title.isEmpty() ? h.path : h.title, h.collection, h.path, where));
        out.line(QStringLiteral("   ") + oneLine(h.text, 200));
    }
}

} // namespace

int runSearchCommand(const CliArguments& args, const CliOutput& out) {
    QStringList w = args.words.mid(1);
    QString kText, collection, modeName, model;
    bool present = false;
    if (!takeOption(w, QStringLiteral("-k"), kText, present))
        return out.usageError(QString::fromUtf8(kUsage));
    bool ok = true;
    const int k = present ? kText.toInt(&ok) : 10;
    if (!ok || k <= 0 || k > 1000)
        return out.usageError(QStringLiteral("-k needs a number from 1 to 1000"));
    QString types, after, before;
    if (!takeOption(w, QStringLiteral("--collection"), collection, present) ||
        !takeOption(w, QStringLiteral("--mode"), modeName, present) ||
        !takeOption(w, QStringLiteral("--model"), model, present) ||
        !takeNonEmptyOption(w, QStringLiteral("--type"), types) ||
        !takeNonEmptyOption(w, QStringLiteral("--after"), after) ||
        !takeNonEmptyOption(w, QStringLiteral("--before"), before))
        return out.usageError(QString::fromUtf8(kUsage));
    SearchFilters filters;
    filters.mimeTypes = types.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& t : filters.mimeTypes)
        t = t.trimmed();
    if (!after.isEmpty()) {
        filters.importedAfter = parseWhen(after);
        if (!filters.importedAfter.isValid())
            return out.usageError(
                QStringLiteral("--after needs a date such as 2026-01-31, not '%1'").arg(after));
    }
    if (!before.isEmpty()) {
        filters.importedBefore = parseWhen(before);
        if (!filters.importedBefore.isValid())
            return out.usageError(
                QStringLiteral("--before needs a date such as 2026-01-31, not '%1'").arg(before));
    }
    SearchMode mode = SearchMode::Hybrid;
    if (!modeName.isEmpty()) {
        const auto m = searchModeFromName(modeName);
        if (!m)
            return out.usageError(
                QStringLiteral("--mode must be hybrid, semantic or keyword, not '%1'")
                    .arg(modeName));
        mode = *m;
    }
    // After "--" everything is query text, so "-word" (exclude a word) can be searched for.
    QStringList words;
    bool literal = false;
    for (const QString& word : w) {
        if (!literal && word == QLatin1String("--")) {
            literal = true;
            continue;
        }
        if (!literal && word.startsWith(QLatin1Char('-')) && word.size() > 1)
            return out.usageError(
                QStringLiteral("unknown option '%1'\n%2").arg(word, QString::fromUtf8(kUsage)));
        words.append(word);
    }
    const QString text = words.join(QLatin1Char(' ')).trimmed();
    if (text.isEmpty())
        return out.usageError(QString::fromUtf8(kUsage));

    const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
    DatabaseOpener opener;
    try {
        PgConnection conn = opener.open(target);
        SearchRequest request;
        request.text = text;
        request.k = k;
        request.mode = mode;
        request.filters = filters;
        if (!collection.isEmpty()) {
            const PgResult r = conn.exec(
                QStringLiteral("SELECT id FROM quiver.collections WHERE name = $1"), {collection});
            if (r.rows() == 0)
                return out.error(
                    QStringLiteral("there is no collection named '%1'").arg(collection));
            request.filters.collectionIds = {r.toInt64(0, 0)};
        }
        std::unique_ptr<SearchIndex> index;
        QueryEmbedder embed;
        if (mode != SearchMode::Keyword) {
            const QString indexModel = resolveIndexModel(conn, model);
            try {
                if (indexModel.isEmpty())
                    throw SearchError("no embeddings are stored yet: run 'quiver-cli worker "
                                      "--once' first, or search with --mode keyword");
                embed = queryEmbedderForModel(conn, indexModel);
                index = openSearchIndex(conn, indexModel);
            } catch (const SearchError& e) {
                if (mode == SearchMode::Semantic)
                    throw;
                warn(QString::fromUtf8(e.what()) + QStringLiteral(" (searching by keyword only)"));
                request.mode = SearchMode::Keyword;
            } catch (const EmbedError& e) {
                if (mode == SearchMode::Semantic)
                    throw;
                warn(e.message() + QStringLiteral(" (searching by keyword only)"));
                request.mode = SearchMode::Keyword;
            }
        }
        HybridSearch search(conn, index.get(), embed);
        print(out, search.search(request));
        return Success;
    } catch (const SearchError& e) {
        return out.error(QString::fromUtf8(e.what()));
    } catch (const EmbedError& e) {
        return out.error(e.message());
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
}

} // namespace quiver::cli
