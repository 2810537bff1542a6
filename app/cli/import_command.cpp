#include "app/cli/import_command.h"

#include "core/db/db_error.h"
#include "core/ingest/importer.h"
#include "core/search/keyword_index.h"
#include "core/search/search_index.h"
#include "core/session/database_opener.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QSettings>

#include <atomic>
#include <csignal>

namespace quiver::cli {

namespace {

const QString kUsage = QStringLiteral(
    "usage: quiver-cli import PATH... [--collection NAME] [--chunk-tokens N] "
    "[--overlap-tokens N] [--max-file-mb N] [--no-ocr] [--no-text-index] [--threads N] "
    "[--writers N] [--db CONNINFO] [--json]");

std::atomic<Importer*> g_running{nullptr};
std::atomic<bool> g_interrupted{false};

extern "C" void cancelOnSignal(int) {
    // Only atomic stores: safe in a signal handler.
    g_interrupted.store(true);
    if (Importer* importer = g_running.load())
        importer->cancel();
}

// Keyword search reads this machine's keyword index, which learns of new chunks when it next
// syncs; a command-line import brings it up to date before it returns, so that the first
// search after it is as fast as any. Interrupting this part loses nothing: the next search
// carries on.
void indexText(PgConnection& conn, const CliOutput& out) {
    QElapsedTimer timer;
    timer.start();
    try {
        KeywordIndex keywords;
        keywords.open(conn, [](double, const QString&) { return !g_interrupted.load(); });
        const qint64 chunks = keywords.status().chunks;
        if (!out.json())
            out.line(QStringLiteral("keyword index up to date: %1 chunks (%2 s)")
                         .arg(chunks)
                         .arg(QString::number(double(timer.elapsed()) / 1000.0, 'f', 1)));
    } catch (const IndexCancelled&) {
        if (!out.json())
            out.line(QStringLiteral("keyword indexing interrupted; the next search finishes it"));
    } catch (const std::exception& e) {
        if (!out.json())
            out.line(QStringLiteral("keyword indexing stopped (%1); the next search finishes it")
                         .arg(userMessageFor(e)));
    }
}

bool takeInt(QStringList& w, const QString& name, int& value, QString& error) {
    QString text;
    bool present = false;
    if (!takeOption(w, name, text, present)) {
        error = QStringLiteral("%1 needs a value").arg(name);
        return false;
    }
    if (!present)
        return true;
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v <= 0) {
        error = QStringLiteral("%1 must be a positive whole number, not '%2'").arg(name, text);
        return false;
    }
    value = v;
    return true;
}

QJsonObject toJson(const ImportFileResult& r) {
    QJsonObject o{{QStringLiteral("path"), r.path},
                  {QStringLiteral("collection"), r.collection},
                  {QStringLiteral("status"), ImportFileResult::outcomeName(r.outcome)},
                  {QStringLiteral("bytes"), r.bytes}};
    if (!r.reason.isEmpty())
        o.insert(QStringLiteral("reason"), r.reason);
    if (!r.warning.isEmpty())
        o.insert(QStringLiteral("warning"), r.warning);
    if (r.documentId > 0) {
        o.insert(QStringLiteral("document_id"), r.documentId);
        o.insert(QStringLiteral("title"), r.title);
        o.insert(QStringLiteral("format"), r.format);
        o.insert(QStringLiteral("chunks"), r.chunks);
        o.insert(QStringLiteral("pages"), r.pages);
        o.insert(QStringLiteral("reused_embeddings"), r.reusedEmbeddings);
    }
    return o;
}

} // namespace

int runImportCommand(const CliArguments& args, const CliOutput& out) {
    QStringList w = args.words.mid(1);
    QString collection;
    bool present = false;
    if (!takeOption(w, QStringLiteral("--collection"), collection, present))
        return out.usageError(QStringLiteral("--collection needs a name\n") + kUsage);
    if (present && collection.trimmed().isEmpty())
        return out.usageError(QStringLiteral("--collection needs a non-empty name"));

    ImportSettings settings = ImportSettings::load(QSettings());
    int maxMb = static_cast<int>(settings.maxFileBytes / (1024 * 1024));
    QString error;
    if (!takeInt(w, QStringLiteral("--chunk-tokens"), settings.chunkTokens, error) ||
        !takeInt(w, QStringLiteral("--overlap-tokens"), settings.overlapTokens, error) ||
        !takeInt(w, QStringLiteral("--max-file-mb"), maxMb, error) ||
        !takeInt(w, QStringLiteral("--threads"), settings.readerThreads, error) ||
        !takeInt(w, QStringLiteral("--writers"), settings.writerConnections, error))
        return out.usageError(error);
    settings.maxFileBytes = qint64(maxMb) * 1024 * 1024;
    if (takeFlag(w, QStringLiteral("--no-ocr")))
        settings.ocrEnabled = false;
    const bool textIndex = !takeFlag(w, QStringLiteral("--no-text-index"));
    if (settings.overlapTokens * 2 > settings.chunkTokens)
        return out.usageError(QStringLiteral("--overlap-tokens must be at most half of "
                                             "--chunk-tokens"));
    for (const QString& word : std::as_const(w)) {
        if (word.startsWith(QLatin1String("--")))
            return out.usageError(QStringLiteral("unknown option '%1'\n").arg(word) + kUsage);
    }
    if (w.isEmpty())
        return out.usageError(QStringLiteral("no file or folder to import\n") + kUsage);

    const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
    DatabaseOpener opener;
    PgConnection conn;
    try {
        conn = opener.open(target);
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }

    Importer importer(conn, settings);
    // The writers' connections go where this one went (the conninfo may hold a password: it
    // stays in memory).
    importer.openConnection = [conninfo = opener.conninfo()]() {
        return PgConnection::open(conninfo);
    };
    importer.onFile = [&out](const ImportFileResult& r) {
        if (out.json()) {
            out.object(toJson(r));
            return;
        }
        // File names and what files say about themselves may hold newlines and escapes.
        ImportFileResult shown = r;
        shown.path = CliOutput::printable(r.path);
        shown.reason = CliOutput::printable(r.reason);
        shown.warning = CliOutput::printable(r.warning);
        out.line(shown.describe());
    };
    g_running = &importer;
    g_interrupted.store(false);
    std::signal(SIGINT, cancelOnSignal);
    std::signal(SIGTERM, cancelOnSignal);
    const ImportSummary s = importer.run({w, collection});
    g_running = nullptr;

    if (!out.json())
        out.line(QStringLiteral("%1 imported, %2 unchanged, %3 skipped, %4 failed; %5 chunks")
                     .arg(s.imported)
                     .arg(s.unchanged)
                     .arg(s.skipped)
                     .arg(s.failed)
                     .arg(s.chunks));
    if (textIndex && !s.cancelled && !s.databaseLost)
        indexText(conn, out);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (s.databaseLost)
        return out.error(QStringLiteral("the database connection was lost during the import (%1); "
                                        "run the same command again to resume")
                             .arg(s.databaseError));
    if (s.cancelled)
        return out.error(QStringLiteral("import cancelled; what was stored stays, and the same "
                                        "command resumes it"));
    return s.failed > 0 ? Failure : Success;
}

} // namespace quiver::cli
