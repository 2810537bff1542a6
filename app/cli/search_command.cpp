#include "app/cli/search_command.h"

#include "app/cli/search_setup.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder.h"
#include "core/search/search_settings.h"
#include "core/session/database_opener.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>

#include <cstdio>

namespace quiver::cli {

namespace {

const char* const kUsage =
    "usage: quiver-cli search TEXT [-k N] [--collection NAME] [--type MIME[,MIME...]] "
    "[--after DATE] [--before DATE] [--mode hybrid|semantic|keyword] [--model M] "
    "[--per-document N] [--explain] [--json]";

// An ISO 8601 date (the start of that day) or date and time, in this computer's time zone
// unless it names one (Z or an offset); an invalid QDateTime when neither. Returned in UTC: a
// time without a zone would be read in the database session's TimeZone, not the user's.
QDateTime parseWhen(const QString& text) {
    // QDate's ISO reading stops after the day and ignores what follows, a time included.
    constexpr qsizetype kDateLength = 10; // YYYY-MM-DD
    if (text.size() == kDateLength) {
        const QDate day = QDate::fromString(text, Qt::ISODate);
        return day.isValid() ? day.startOfDay().toUTC() : QDateTime();
    }
    const QDateTime when = QDateTime::fromString(text, Qt::ISODate);
    return when.isValid() ? when.toUTC() : QDateTime();
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

QJsonValue armJson(const std::optional<ArmRank>& arm) {
    if (!arm)
        return QJsonValue();
    return QJsonObject{{QStringLiteral("rank"), arm->rank}, {QStringLiteral("score"), arm->score}};
}

// "matched: river, expedition · keyword #2 (7.31) · semantic #5 (0.41)"
QString explanation(const SearchHit& h) {
    QStringList parts;
    if (!h.matched.isEmpty())
        parts << QStringLiteral("matched: ") + h.matched.join(QStringLiteral(", "));
    parts << (h.keyword ? QStringLiteral("keyword #%1 (BM25 %2)")
                              .arg(h.keyword->rank)
                              .arg(h.keyword->score, 0, 'f', 2)
                        : QStringLiteral("no keyword match"));
    parts << (h.semantic ? QStringLiteral("semantic #%1 (similarity %2)")
                               .arg(h.semantic->rank)
                               .arg(h.semantic->score, 0, 'f', 2)
                         : QStringLiteral("not among the semantic candidates"));
    return parts.join(QStringLiteral(" · "));
}

void print(const CliOutput& out, const std::vector<SearchHit>& hits, bool explain) {
    int rank = 0;
    for (const SearchHit& h : hits) {
        ++rank;
        if (out.json()) {
            QJsonObject o{
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
            };
            if (explain) {
                o.insert(QStringLiteral("keyword"), armJson(h.keyword));
                o.insert(QStringLiteral("semantic"), armJson(h.semantic));
                o.insert(QStringLiteral("matched"), QJsonArray::fromStringList(h.matched));
            }
            out.object(o);
            continue;
        }
        QString where = QStringLiteral("chunk %1").arg(h.ordinal);
        if (h.page)
            where += QStringLiteral(", page %1").arg(*h.page);
        out.line(QStringLiteral("%1. %2  %3 [%4] %5 (%6)")
                     .arg(rank)
                     .arg(h.score, 0, 'f', 4)
                     .arg(CliOutput::printable(h.title.isEmpty() ? h.path : h.title),
                          CliOutput::printable(h.collection), CliOutput::printable(h.path), where));
        out.line(QStringLiteral("   ") + oneLine(h.text, 200));
        if (explain)
            out.line(QStringLiteral("   ") + explanation(h));
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
    QString types, after, before, perDocumentText;
    if (!takeOption(w, QStringLiteral("--collection"), collection, present) ||
        !takeOption(w, QStringLiteral("--mode"), modeName, present) ||
        !takeOption(w, QStringLiteral("--model"), model, present) ||
        !takeNonEmptyOption(w, QStringLiteral("--type"), types) ||
        !takeNonEmptyOption(w, QStringLiteral("--after"), after) ||
        !takeNonEmptyOption(w, QStringLiteral("--before"), before) ||
        !takeNonEmptyOption(w, QStringLiteral("--per-document"), perDocumentText))
        return out.usageError(QString::fromUtf8(kUsage));
    const bool explain = takeFlag(w, QStringLiteral("--explain"));
    const SearchSettings settings = SearchSettings::load(QSettings());
    int perDocument = settings.perDocument;
    if (!perDocumentText.isEmpty()) {
        perDocument = perDocumentText.toInt(&ok);
        if (!ok || perDocument < 0)
            return out.usageError(
                QStringLiteral("--per-document needs a number (0: no limit), not '%1'")
                    .arg(perDocumentText));
    }
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
        request.perDocument = perDocument;
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
        std::unique_ptr<KeywordIndex> keywords;
        if (request.mode != SearchMode::Semantic)
            keywords = openKeywordIndex(conn);
        HybridSearch search(conn, keywords.get(), index.get(), embed);
        search.setFusion(settings.fusion);
        print(out, search.search(request), explain);
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
