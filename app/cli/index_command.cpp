#include "app/cli/index_command.h"

#include "app/cli/search_setup.h"
#include "core/db/pg_connection.h"
#include "core/search/embedding_source.h"
#include "core/search/index_verifier.h"
#include "core/session/database_opener.h"

#include <QJsonObject>
#include <QLocale>
#include <QSettings>

namespace quiver::cli {

namespace {

const char* const kUsage =
    "usage: quiver-cli index status|rebuild|verify [--model M] [--sample N] [--json]";

QJsonValue optionalNumber(const std::optional<double>& v) {
    return v ? QJsonValue(*v) : QJsonValue();
}

void printStatus(const CliOutput& out, const IndexStatus& s, qint64 stored, qint64 waiting,
                 const KeywordIndexStatus& k) {
    if (out.json()) {
        out.object(QJsonObject{
            {QStringLiteral("keyword_index"),
             QJsonObject{{QStringLiteral("chunks"), k.chunks},
                         {QStringLiteral("terms"), k.terms},
                         {QStringLiteral("language"), k.language},
                         {QStringLiteral("file"), k.file},
                         {QStringLiteral("file_bytes"), k.fileBytes},
                         {QStringLiteral("ram_bytes"), k.ramBytes},
                         {QStringLiteral("opened"), k.opened}}},
            {QStringLiteral("model"), s.model},
            {QStringLiteral("dimensions"), s.dimensions},
            {QStringLiteral("kind"), s.exact ? QStringLiteral("exact") : QStringLiteral("disk")},
            {QStringLiteral("vectors"), stored},
            {QStringLiteral("base_vectors"), s.baseVectors},
            {QStringLiteral("delta_vectors"), s.deltaVectors},
            {QStringLiteral("masked_base_vectors"), s.maskedBaseVectors},
            {QStringLiteral("skipped_vectors"), s.skippedVectors},
            {QStringLiteral("pending_chunks"), waiting},
            {QStringLiteral("last_sync"), s.lastSync.toString(Qt::ISODate)},
            {QStringLiteral("file"), s.baseFile.isEmpty() ? QJsonValue() : QJsonValue(s.baseFile)},
            {QStringLiteral("file_bytes"), s.fileBytes},
            {QStringLiteral("ram_bytes"), s.ramBytes},
            {QStringLiteral("opened"), s.opened},
            {QStringLiteral("last_merge"),
             s.lastMerge.isEmpty() ? QJsonValue() : QJsonValue(s.lastMerge)},
            {QStringLiteral("recall_at_10"), optionalNumber(s.recall)},
            {QStringLiteral("recall_sample"), s.recall ? QJsonValue(s.recallSample) : QJsonValue()},
        });
        return;
    }
    const QLocale c = QLocale::c();
    const auto row = [&out](const char* label, const QString& value) {
        out.line(QStringLiteral("%1 %2").arg(QLatin1String(label), -16).arg(value));
    };
    row("Model:", QStringLiteral("%1 (%2 dimensions)").arg(s.model).arg(s.dimensions));
    row("Kind:", s.exact ? QStringLiteral("exact search in memory")
                         : QStringLiteral("DiskANN file + in-memory delta"));
    row("Vectors:", QStringLiteral("%1 stored (%2 in the file, %3 since, %4 hidden)")
                        .arg(stored)
                        .arg(s.baseVectors)
                        .arg(s.deltaVectors)
                        .arg(s.maskedBaseVectors));
    if (s.skippedVectors > 0)
        row("Left out:", QStringLiteral("%1 stored vectors whose length is not %2: delete them "
                                        "and embed their chunks again")
                             .arg(s.skippedVectors)
                             .arg(s.dimensions));
    row("Pending:", QStringLiteral("%1 chunks waiting for an embedding").arg(waiting));
    row("Last sync:", s.lastSync.toLocalTime().toString(Qt::ISODate));
    row("File:", s.baseFile.isEmpty()
                     ? QStringLiteral("none")
                     : QStringLiteral("%1 (%2)").arg(s.baseFile, c.formattedDataSize(s.fileBytes)));
    row("RAM:", c.formattedDataSize(s.ramBytes));
    row("Opened:", s.opened);
    if (!s.lastMerge.isEmpty())
        row("Merged:", s.lastMerge);
    row("Recall@10:", s.recall ? QStringLiteral("%1 (measured on %2 queries, %3)")
                                     .arg(*s.recall, 0, 'f', 3)
                                     .arg(s.recallSample)
                                     .arg(s.recallMeasuredAt.toLocalTime().toString(Qt::ISODate))
                               : QStringLiteral("not measured: run 'quiver-cli index verify'"));
    row("Keywords:", QStringLiteral("%1 chunks, %2 terms (%3), %4 in RAM, file %5 (%6); %7")
                         .arg(k.chunks)
                         .arg(k.terms)
                         .arg(k.language, c.formattedDataSize(k.ramBytes), k.file,
                              c.formattedDataSize(k.fileBytes), k.opened));
}

} // namespace

int runIndexCommand(const CliArguments& args, const CliOutput& out) {
    QStringList w = args.words.mid(1);
    QString model, sampleText;
    bool present = false;
    if (!takeOption(w, QStringLiteral("--model"), model, present) ||
        !takeOption(w, QStringLiteral("--sample"), sampleText, present))
        return out.usageError(QString::fromUtf8(kUsage));
    bool ok = true;
    const int sample = present ? sampleText.toInt(&ok) : 100;
    if (!ok || sample <= 0)
        return out.usageError(QStringLiteral("--sample needs a positive number"));
    if (w.size() != 1 ||
        !QStringList{QStringLiteral("status"), QStringLiteral("rebuild"), QStringLiteral("verify")}
             .contains(w.first()))
        return out.usageError(QString::fromUtf8(kUsage));
    const QString sub = w.first();

    const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
    DatabaseOpener opener;
    try {
        PgConnection conn = opener.open(target);
        const QString indexModel = resolveIndexModel(conn, model);
        if (indexModel.isEmpty())
            return out.error(QStringLiteral("no embeddings are stored yet, so there is no index: "
                                            "run 'quiver-cli worker --once' first"));
        auto index = openSearchIndex(conn, indexModel, sub == QLatin1String("rebuild"));
        const auto keywords = sub == QLatin1String("verify")
                                  ? nullptr
                                  : openKeywordIndex(conn, sub == QLatin1String("rebuild"));
        if (sub == QLatin1String("verify")) {
            const RecallReport r = measureRecall(conn, *index, sample);
            index->recordRecall(r.recall, r.queries);
            if (out.json()) {
                out.object(QJsonObject{{QStringLiteral("model"), indexModel},
                                       {QStringLiteral("recall_at_10"), r.recall},
                                       {QStringLiteral("queries"), r.queries},
                                       {QStringLiteral("vectors"), r.vectors},
                                       {QStringLiteral("seconds"), r.seconds}});
            } else {
                out.line(QStringLiteral("recall@%1 = %2 over %3 sampled queries against exact "
                                        "search of %4 vectors (%5 s)")
                             .arg(r.k)
                             .arg(r.recall, 0, 'f', 4)
                             .arg(r.queries)
                             .arg(r.vectors)
                             .arg(r.seconds, 0, 'f', 1));
            }
            return Success;
        }
        const qint64 stored = EmbeddingSource::count(conn, indexModel);
        const qint64 waiting =
            conn.exec(QStringLiteral("SELECT count(*) FROM quiver.chunks c WHERE NOT EXISTS "
                                     "(SELECT 1 FROM quiver.embeddings e "
                                     "WHERE e.chunk_id = c.id AND e.model = $1)"),
                      {indexModel})
                .toInt64(0, 0);
        printStatus(out, index->status(), stored, waiting, keywords->status());
        return Success;
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
}

} // namespace quiver::cli
