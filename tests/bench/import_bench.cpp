// import_bench: throughput of `Importer` (read, normalise, chunk, COPY) on a generated corpus of
// text files, beside the ceiling of a plain COPY of the same bytes into a table of one text
// column. Then this machine's keyword index brought up to date with the imported chunks, timed
// on its own. Prints one line per measurement and a JSON summary.
//
//   import_bench --db CONNINFO [--files N] [--kb K] [--threads T] [--writers W[,W...]]
//                [--dir DIR]
//
// Defaults: 10,000 files of ~20 KB (~200 MB). --writers lists the writer connections of each
// import measured in turn (0: the default setting), e.g. 1,2 for one writer beside two. The
// database gets Quiver's schema; the bench's own collection and scratch table are dropped before
// and after.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/ingest/importer.h"
#include "core/search/keyword_index.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <random>
#include <sys/resource.h>
#include <unistd.h>

using namespace quiver;

namespace {

struct Args {
    QString db;
    int files = 10000;
    int kb = 20;
    int threads = 0;
    QList<int> writers{0};
    QString dir;
};

bool parse(const QStringList& argv, Args& a) {
    for (int i = 1; i < argv.size(); ++i) {
        const QString& k = argv[i];
        const bool hasValue = i + 1 < argv.size();
        if (k == QLatin1String("--db") && hasValue)
            a.db = argv[++i];
        else if (k == QLatin1String("--files") && hasValue)
            a.files = argv[++i].toInt();
        else if (k == QLatin1String("--kb") && hasValue)
            a.kb = argv[++i].toInt();
        else if (k == QLatin1String("--threads") && hasValue)
            a.threads = argv[++i].toInt();
        else if (k == QLatin1String("--writers") && hasValue) {
            a.writers.clear();
            for (const QString& part : argv[++i].split(QLatin1Char(','))) {
                bool ok = false;
                const int n = part.toInt(&ok);
                if (!ok || n < 0)
                    return false;
                a.writers.append(n);
            }
        } else if (k == QLatin1String("--dir") && hasValue)
            a.dir = argv[++i];
        else
            return false;
    }
    return !a.db.isEmpty() && a.files > 0 && a.kb > 0;
}

// English-looking prose from a fixed vocabulary: paragraphs of sentences, each file different.
qint64 generate(const QString& dir, int files, int kb) {
    static const char* const words[] = {"the",
                                        "of",
                                        "and",
                                        "a",
                                        "to",
                                        "in",
                                        "is",
                                        "you",
                                        "that",
                                        "it",
                                        "he",
                                        "was",
                                        "for",
                                        "on",
                                        "are",
                                        "as",
                                        "with",
                                        "his",
                                        "they",
                                        "at",
                                        "be",
                                        "this",
                                        "have",
                                        "from",
                                        "or",
                                        "one",
                                        "had",
                                        "by",
                                        "word",
                                        "but",
                                        "not",
                                        "what",
                                        "all",
                                        "were",
                                        "we",
                                        "when",
                                        "your",
                                        "can",
                                        "said",
                                        "there",
                                        "use",
                                        "an",
                                        "each",
                                        "which",
                                        "she",
                                        "do",
                                        "how",
                                        "their",
                                        "if",
                                        "will",
                                        "up",
                                        "other",
                                        "about",
                                        "out",
                                        "many",
                                        "then",
                                        "them",
                                        "these",
                                        "so",
                                        "some",
                                        "database",
                                        "semantic",
                                        "search",
                                        "document",
                                        "passage",
                                        "embedding",
                                        "vector",
                                        "collection",
                                        "quarterly",
                                        "harvest",
                                        "river",
                                        "mountain",
                                        "library",
                                        "question",
                                        "important",
                                        "information",
                                        "understanding",
                                        "development",
                                        "relationship"};
    constexpr int kWords = sizeof(words) / sizeof(words[0]);
    std::mt19937 rng(42);
    qint64 total = 0;
    for (int f = 0; f < files; ++f) {
        QByteArray text;
        text.reserve(kb * 1024 + 256);
        text += "Document " + QByteArray::number(f) + "\n\n";
        while (text.size() < kb * 1024) {
            const int sentences = 3 + int(rng() % 5);
            for (int s = 0; s < sentences; ++s) {
                const int n = 6 + int(rng() % 14);
                for (int w = 0; w < n; ++w) {
                    QByteArray word = words[rng() % kWords];
                    if (w == 0)
                        word[0] = char(std::toupper(word[0]));
                    text += word;
                    text += w + 1 < n ? " " : ". ";
                }
            }
            text += "\n\n";
        }
        QFile out(QStringLiteral("%1/f%2.txt").arg(dir).arg(f, 6, 10, QLatin1Char('0')));
        if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size())
            return -1;
        total += text.size();
    }
    return total;
}

double mb(qint64 bytes) {
    return double(bytes) / (1024.0 * 1024.0);
}

// CPU seconds of this process so far.
double clientCpu() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of the server processes serving the bench's connections, read from /proc: only
// when the server runs on this machine (-1 otherwise). A figure that the other work on a shared
// machine does not distort, unlike wall-clock time.
class BackendCpu {
public:
    void watch(int pid) { m_last.insert(pid, -1.0); }
    // Reads every watched backend again; call while they are alive.
    void sample() {
        static const double ticks = double(sysconf(_SC_CLK_TCK));
        for (auto it = m_last.begin(); it != m_last.end(); ++it) {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(it.key()));
            if (!stat.open(QIODevice::ReadOnly))
                continue;
            // Fields 14 and 15 (utime, stime) follow the command name in parentheses.
            const QByteArray line = stat.readAll();
            const QList<QByteArray> f = line.mid(line.lastIndexOf(')') + 2).split(' ');
            if (f.size() > 13)
                it.value() = double(f[11].toLongLong() + f[12].toLongLong()) / ticks;
        }
    }
    double total() const {
        double sum = 0;
        bool any = false;
        for (const double v : m_last) {
            if (v >= 0) {
                sum += v;
                any = true;
            }
        }
        return any ? sum : -1.0;
    }

private:
    QHash<int, double> m_last;
};

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // Files are read in this build's quiver-reader, as in the app, unless told another.
    if (!qEnvironmentVariableIsSet("QUIVER_READER_PROGRAM"))
        qputenv("QUIVER_READER_PROGRAM", QUIVER_BENCH_READER_PROGRAM);
    Args a;
    if (!parse(app.arguments(), a)) {
        std::fprintf(stderr, "usage: import_bench --db CONNINFO [--files N] [--kb K] "
                             "[--threads T] [--writers W[,W...]] [--dir DIR]\n");
        return 2;
    }
    QTemporaryDir tmp;
    const QString corpus = a.dir.isEmpty() ? tmp.filePath(QStringLiteral("corpus")) : a.dir;
    QDir().mkpath(corpus);
    QElapsedTimer timer;
    timer.start();
    const qint64 bytes = generate(corpus, a.files, a.kb);
    if (bytes < 0) {
        std::fprintf(stderr, "import_bench: cannot write the corpus in %s\n", qPrintable(corpus));
        return 1;
    }
    std::printf("corpus: %d files, %.1f MB, generated in %.1f s\n", a.files, mb(bytes),
                timer.elapsed() / 1000.0);

    try {
        PgConnection conn = PgConnection::open(a.db);
        Migrations::apply(conn);
        const QString collection = QStringLiteral("import-bench");
        conn.exec(QStringLiteral("DELETE FROM quiver.collections WHERE name = $1"), {collection});
        conn.exec(QStringLiteral("DROP TABLE IF EXISTS import_bench_copy"));
        conn.exec(QStringLiteral("CREATE TABLE import_bench_copy (path text, body text)"));

        // The ceiling: read each file and COPY its bytes as one row, nothing else.
        const QStringList names = QDir(corpus).entryList(QDir::Files, QDir::Name);
        BackendCpu copyServer;
        copyServer.watch(conn.backendPid());
        copyServer.sample();
        const double copyServerBefore = copyServer.total();
        const double copyClientBefore = clientCpu();
        timer.restart();
        qsizetype next = 0;
        conn.copyIn(QStringLiteral("COPY import_bench_copy (path, body) FROM STDIN"),
                    [&](QByteArray& chunk) {
                        chunk.clear();
                        while (next < names.size() && chunk.size() < (1 << 20)) {
                            QFile f(corpus + QLatin1Char('/') + names[next]);
                            if (!f.open(QIODevice::ReadOnly))
                                throw std::runtime_error("cannot read the corpus");
                            chunk += PgConnection::copyTextField(f.fileName()) + '\t' +
                                     PgConnection::copyTextField(QString::fromUtf8(f.readAll())) +
                                     '\n';
                            ++next;
                        }
                        return !chunk.isEmpty();
                    });
        const double copySeconds = timer.elapsed() / 1000.0;
        copyServer.sample();
        const double copyServerCpu =
            copyServerBefore >= 0 ? copyServer.total() - copyServerBefore : -1.0;
        const double copyClientCpu = clientCpu() - copyClientBefore;
        conn.exec(QStringLiteral("DROP TABLE import_bench_copy"));
        std::printf("plain COPY: %.2f s, %.1f MB/s, %.0f files/s; CPU s: client %.1f, server "
                    "%.1f\n",
                    copySeconds, mb(bytes) / copySeconds, a.files / copySeconds, copyClientCpu,
                    copyServerCpu);

        for (const int writers : std::as_const(a.writers)) {
            ImportSettings settings;
            settings.readerThreads = a.threads;
            settings.writerConnections = writers;
            settings.ocrEnabled = false;
            Importer importer(conn, settings);
            BackendCpu server;
            server.watch(conn.backendPid());
            server.sample();
            const double serverBefore = server.total();
            importer.openConnection = [&a, &server]() {
                PgConnection c = PgConnection::open(a.db);
                server.watch(c.backendPid());
                return c;
            };
            // Writers close their connections as the run ends: read them while they live.
            importer.onProgress = [&server](const ImportProgress&) { server.sample(); };
            const double clientBefore = clientCpu();
            timer.restart();
            const ImportSummary s = importer.run({{corpus}, collection});
            const double importSeconds = timer.elapsed() / 1000.0;
            const double clientSeconds = clientCpu() - clientBefore;
            server.sample();
            const double serverSeconds = serverBefore >= 0 ? server.total() - serverBefore : -1.0;
            if (s.failed > 0 || s.imported != a.files) {
                std::fprintf(stderr, "import_bench: %d imported, %d failed of %d\n", s.imported,
                             s.failed, a.files);
                return 1;
            }
            const QString label =
                writers > 0 ? QString::number(writers) : QStringLiteral("default");
            std::printf("import (writers %s): %.2f s, %.1f MB/s, %.0f files/s, %lld chunks "
                        "(%.0f chunks/s)\n",
                        qPrintable(label), importSeconds, mb(bytes) / importSeconds,
                        a.files / importSeconds, static_cast<long long>(s.chunks),
                        double(s.chunks) / importSeconds);
            std::printf("import / plain COPY: %.0f%%; CPU s: client %.1f, server %.1f\n",
                        100.0 * copySeconds / importSeconds, clientSeconds, serverSeconds);
            std::fflush(stdout);

            // What follows the import on this machine: its keyword index brought up to date
            // with the new chunks (read back, analysed, indexed), as the next search does.
            QTemporaryDir keywordDir;
            KeywordIndexOptions keywordOptions;
            keywordOptions.directory = keywordDir.path();
            KeywordIndex keywords(keywordOptions);
            PgConnection indexConn = PgConnection::open(a.db);
            timer.restart();
            keywords.open(indexConn);
            const double indexSeconds = timer.elapsed() / 1000.0;
            const qint64 indexed = keywords.status().chunks;
            std::printf("keyword index (after the import, %d analysis threads): %.2f s, %lld "
                        "chunks (%.0f chunks/s); import + keyword index: %.2f s, %.0f%% of "
                        "plain COPY\n",
                        QThread::idealThreadCount(), indexSeconds, static_cast<long long>(indexed),
                        double(indexed) / indexSeconds, importSeconds + indexSeconds,
                        100.0 * copySeconds / (importSeconds + indexSeconds));
            const QJsonObject summary{
                {QStringLiteral("files"), a.files},
                {QStringLiteral("megabytes"), mb(bytes)},
                {QStringLiteral("copy_mb_per_s"), mb(bytes) / copySeconds},
                {QStringLiteral("import_mb_per_s"), mb(bytes) / importSeconds},
                {QStringLiteral("import_files_per_s"), a.files / importSeconds},
                {QStringLiteral("chunks"), s.chunks},
                {QStringLiteral("ratio"), copySeconds / importSeconds},
                {QStringLiteral("reader_threads"), a.threads},
                {QStringLiteral("writer_connections"), writers},
                {QStringLiteral("client_cpu_s"), clientSeconds},
                {QStringLiteral("server_cpu_s"), serverSeconds},
                {QStringLiteral("copy_client_cpu_s"), copyClientCpu},
                {QStringLiteral("copy_server_cpu_s"), copyServerCpu},
                {QStringLiteral("keyword_index_s"), indexSeconds}};
            std::printf("%s\n", QJsonDocument(summary).toJson(QJsonDocument::Compact).constData());
            std::fflush(stdout);
            // The next import starts from the same empty collection, its dead rows vacuumed.
            conn.exec(QStringLiteral("DELETE FROM quiver.collections WHERE name = $1"),
                      {collection});
            conn.exec(QStringLiteral("VACUUM quiver.documents, quiver.chunks"));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "import_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
