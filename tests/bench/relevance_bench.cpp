// relevance_bench: Quiver's search quality on public BEIR datasets (Thakur et al. 2021).
//
//   relevance_bench --db CONNINFO [--db-prefix PREFIX] [--work DIR] [--candidates N]
//                   [--queries N] [--dump FILE] DATASET_DIR...
//
// Each DATASET_DIR is a BEIR folder: corpus.jsonl (_id, title, text), queries.jsonl (_id, text)
// and qrels/test.tsv (a header line, then query-id, corpus-id, score). For each one:
//  1. Every document becomes <work>/<name>/<hex of its _id>.md holding "# title\n\ntext\n"
//     (just "text\n" when untitled; a file is rewritten only when its content differs) and the
//     folder is imported into collection <name> by Quiver's Importer with the default settings
//     (128-token chunks, 16 overlap); the BM25 keyword index is opened (built or synced) with
//     the vector index in step 3. Unchanged files are skipped by the importer, so a re-run costs
//     a walk.
//  2. Pending chunks are embedded with the default profile (the local sentence model) by
//     EmbedWorker, as `quiver-cli worker --once` does; a re-run embeds nothing.
//  3. The indexes are opened as `quiver-cli search` opens them (Quiver's cache folder), and
//     every test query (one of qrels/test.tsv) is run through HybridSearch in keyword, semantic
//     and hybrid mode for the top --candidates chunks (100 to 1000, default 300; the product's
//     candidate factor of 4 applies, so each ranking fused in hybrid mode holds 4 x that many).
//  4. Beside them runs bm25_ref, a plain Okapi BM25 (k1 0.9, b 0.4; lower-case, split on
//     non-alphanumerics, no stemming, no stop words) written here independently of core/search,
//     over the very chunk texts Quiver stored (relevance_bench_eval.h).
// Chunks map to BEIR documents in order of first occurrence (a document ranks where its best
// chunk does); as in BEIR's evaluation, a document whose id equals the query's is left out.
// Per arm: nDCG@10 (graded gains from the qrels, DCG = sum gain / log2(rank + 1), ideal from the
// qrels), recall@100, MRR@10, hit@1 and hit@5 (a relevant document, score > 0, in the top k),
// averaged over all test queries (a query with no result counts 0), and the latency of each
// search call (p50/p99 ms). The published BEIR BM25 nDCG@10 is printed for comparison (it ranks
// whole documents with Elasticsearch's English analyser, so it is a landmark, not a target).
//
// Databases: --db is a maintenance connection (e.g. dbname=postgres) of a role that may create
// databases. Each dataset gets its own database <prefix><name> on that server (prefix
// relevance_ unless --db-prefix says otherwise; created when missing, Quiver's schema applied):
// the same conninfo with dbname replaced. Drop it to start afresh; copy it (CREATE DATABASE ...
// TEMPLATE ...) under another prefix to measure another build without embedding again.
// --work defaults to <temp>/quiver-relevance.
//
// What the timings are: warm (10 untimed queries per arm first), one query at a time on one
// thread (the local model embeds a query on one thread per core), PostgreSQL on the same
// machine, each call returning --candidates hydrated rows; they are not the latency of a
// 10-result search.
//
// Output: one JSON line per (dataset, arm) on stdout, a table and progress on stderr. --dump
// FILE writes every ranked chunk list as TSV (dataset, query_id, arm, rank, chunk_id, score,
// doc_id) for tests/bench/relevance_sweep.py. --queries N runs only the first N test queries.
// Exit status: 0, 1 on a missing or malformed dataset file or a failure, 2 on wrong usage.
//
// The commands behind README's figures ("Search quality"):
//   cmake --build build --target relevance_bench
//   build/tests/bench/relevance_bench --db "host=/var/run/postgresql dbname=postgres"
//       --dump /tmp/relevance.tsv /work/beir/scifact /work/beir/nfcorpus /work/beir/arguana
//   python3 tests/bench/relevance_sweep.py /tmp/relevance.tsv /work/beir/scifact
#include "app/cli/search_setup.h"
#include "core/db/connection_settings.h"
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/profile_repository.h"
#include "core/ingest/importer.h"
#include "core/jobs/embed_worker.h"
#include "core/jobs/embedding_queue.h"
#include "core/search/hybrid_search.h"
#include "core/search/keyword_index.h"
#include "core/search/search_index.h"
#include "core/session/database_opener.h"
#include "tests/bench/relevance_bench_eval.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <libpq-fe.h>

#include <array>
#include <cstdio>
#include <memory>

using namespace quiver;
using namespace quiver::bench;

namespace {

const char* const kUsage =
    "usage: relevance_bench --db CONNINFO [--db-prefix PREFIX] [--work DIR] [--candidates N] "
    "[--queries N] [--dump FILE] DATASET_DIR...\n";

struct Options {
    QString db;
    QString work = QDir::tempPath() + QStringLiteral("/quiver-relevance");
    int candidates = 300;
    int maxQueries = 0; // 0: all
    QString dump;
    QString dbPrefix = QStringLiteral("relevance_");
    QStringList datasets;
};

bool parse(const QStringList& args, Options& o) {
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        const bool hasValue = i + 1 < args.size();
        bool ok = true;
        if (a == QLatin1String("--db") && hasValue)
            o.db = args[++i];
        else if (a == QLatin1String("--work") && hasValue)
            o.work = args[++i];
        else if (a == QLatin1String("--candidates") && hasValue)
            o.candidates = args[++i].toInt(&ok);
        else if (a == QLatin1String("--queries") && hasValue)
            o.maxQueries = args[++i].toInt(&ok);
        else if (a == QLatin1String("--dump") && hasValue)
            o.dump = args[++i];
        else if (a == QLatin1String("--db-prefix") && hasValue)
            o.dbPrefix = args[++i];
        else if (a.startsWith(QLatin1String("--")))
            return false;
        else
            o.datasets.append(a);
        if (!ok)
            return false;
    }
    static const QRegularExpression prefix(QStringLiteral("^[a-z_][a-z0-9_]{0,39}$"));
    return !o.db.isEmpty() && !o.datasets.isEmpty() && prefix.match(o.dbPrefix).hasMatch() &&
           o.candidates >= 100 && o.candidates <= 1000 && o.maxQueries >= 0;
}

void say(const QString& text) {
    const QByteArray line =
        (QStringLiteral("relevance_bench: ") + text + QLatin1Char('\n')).toUtf8();
    std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stderr);
    std::fflush(stderr);
}

double seconds(const QElapsedTimer& t) {
    return static_cast<double>(t.elapsed()) / 1000.0;
}

// Calls report() at most every 10 seconds.
class Throttle {
public:
    Throttle() { m_timer.start(); }
    bool due() {
        if (m_timer.elapsed() < 10000)
            return false;
        m_timer.restart();
        return true;
    }

private:
    QElapsedTimer m_timer;
};

// conninfo (key=value or URL) with its dbname replaced, as key=value.
QString withDatabase(const QString& conninfo, const QString& dbname) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!options) {
        PQfreemem(error);
        throw std::runtime_error("--db is not a valid conninfo");
    }
    QStringList parts;
    for (const PQconninfoOption* o = options; o->keyword; ++o) {
        if (o->val && *o->val && qstrcmp(o->keyword, "dbname") != 0)
            parts << QString::fromUtf8(o->keyword) + QLatin1Char('=') +
                         ConnectionSettings::quoteConninfoValue(QString::fromUtf8(o->val));
    }
    PQconninfoFree(options);
    parts << QStringLiteral("dbname=") + dbname;
    return parts.join(QLatin1Char(' '));
}

// The dataset's own database, created through the maintenance connection when missing; returns
// its conninfo.
QString datasetDatabase(const QString& maintenance, const QString& prefix,
                        const QString& datasetName) {
    QString name = prefix;
    for (const QChar c : datasetName.toLower())
        name += (c.isLetterOrNumber() && c.unicode() < 128) ? c : QLatin1Char('_');
    name.truncate(63);
    PgConnection admin = PgConnection::open(maintenance);
    const PgResult exists =
        admin.exec(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = $1"), {name});
    if (exists.rows() == 0) {
        say(QStringLiteral("creating database %1").arg(name));
        admin.exec(QStringLiteral("CREATE DATABASE ") + name); // name: [a-z0-9_] only
    }
    return withDatabase(maintenance, name);
}

// Writes one Markdown file per document, named by the hex of its id's UTF-8; returns the map
// from file name to corpus index. Files whose content is already right are left alone.
QHash<QString, int> writeDocuments(const BeirDataset& data, const QString& folder) {
    if (!QDir().mkpath(folder))
        throw std::runtime_error(QStringLiteral("cannot create %1").arg(folder).toStdString());
    QHash<QString, int> byFile;
    int written = 0;
    for (std::size_t i = 0; i < data.corpus.size(); ++i) {
        const BeirDocument& d = data.corpus[i];
        const QString name = QString::fromLatin1(d.id.toUtf8().toHex()) + QStringLiteral(".md");
        if (name.size() > 250)
            throw DatasetError(QStringLiteral("%1: document id '%2' is too long for a file name")
                                   .arg(data.name, d.id.left(40))
                                   .toStdString());
        byFile.insert(name, static_cast<int>(i));
        const QString title = d.title.simplified();
        const QByteArray content =
            (title.isEmpty() ? d.text
                             : QStringLiteral("# ") + title + QStringLiteral("\n\n") + d.text)
                .toUtf8() +
            '\n';
        QFile f(folder + QLatin1Char('/') + name);
        if (f.size() == content.size() && f.open(QIODevice::ReadOnly) && f.readAll() == content)
            continue;
        f.close();
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            f.write(content) != content.size())
            throw std::runtime_error(QStringLiteral("cannot write %1: %2")
                                         .arg(f.fileName(), f.errorString())
                                         .toStdString());
        ++written;
    }
    say(QStringLiteral("%1: %2 documents in %3 (%4 written)")
            .arg(data.name)
            .arg(data.corpus.size())
            .arg(folder)
            .arg(written));
    return byFile;
}

// `quiver-cli import FOLDER --collection NAME`: the import (the keyword index follows in step 3).
void importFolder(PgConnection& conn, const QString& conninfo, const QString& folder,
                  const QString& collection) {
    QElapsedTimer timer;
    timer.start();
    Importer importer(conn, ImportSettings{});
    importer.openConnection = [conninfo]() { return PgConnection::open(conninfo); };
    importer.onFile = [](const ImportFileResult& r) {
        if (r.outcome == ImportFileResult::Outcome::Failed ||
            r.outcome == ImportFileResult::Outcome::Skipped)
            say(r.describe());
    };
    Throttle throttle;
    importer.onProgress = [&throttle](const ImportProgress& p) {
        if (throttle.due())
            say(QStringLiteral("import: %1 / %2 files, %3 chunks")
                    .arg(p.filesDone)
                    .arg(p.filesTotal)
                    .arg(p.chunks));
    };
    const ImportSummary s = importer.run({{folder}, collection});
    if (s.databaseLost || s.cancelled)
        throw std::runtime_error(
            (QStringLiteral("the import stopped: ") + s.databaseError).toStdString());
    say(QStringLiteral("import: %1 imported, %2 unchanged, %3 skipped, %4 failed; %5 chunks in "
                       "%6 s")
            .arg(s.imported)
            .arg(s.unchanged)
            .arg(s.skipped)
            .arg(s.failed)
            .arg(s.chunks)
            .arg(seconds(timer), 0, 'f', 1));
}

// `quiver-cli worker --once` with the default profile: embeds what is pending.
void embedPending(PgConnection& conn, const QString& conninfo) {
    const EmbeddingProfile profile = ProfileRepository(conn).resolve(QString());
    const qint64 pending =
        EmbeddingQueue(conn, modelIdFor(profile), QStringLiteral("relevance")).backlog().pending;
    if (pending == 0)
        return;
    say(QStringLiteral("embedding %1 chunks with profile '%2' (%3)")
            .arg(pending)
            .arg(profile.name, modelIdFor(profile)));
    EmbedWorker::Options options;
    options.conninfo = conninfo;
    options.once = true;
    EmbedWorker worker(options, [](const EmbeddingProfile& p) { return createEmbedder(p, {}); });
    worker.onLog = [](const QString& message) { say(QStringLiteral("worker: ") + message); };
    QElapsedTimer timer;
    timer.start();
    Throttle throttle;
    const auto progress = [&](qint64 done, bool last) {
        if (last || throttle.due())
            say(QStringLiteral("embedding: %1 / %2 chunks, %3 chunks/s")
                    .arg(done)
                    .arg(pending)
                    .arg(static_cast<double>(done) / std::max(seconds(timer), 0.001), 0, 'f', 1));
    };
    worker.onProgress = [&](const EmbedWorker::Counters& c) { progress(c.done, false); };
    if (worker.run() != 0)
        throw std::runtime_error(
            (QStringLiteral("embedding failed: ") + worker.lastError()).toStdString());
    progress(worker.counters().done, true);
    if (worker.counters().failed > 0)
        say(QStringLiteral("embedding: %1 chunks failed").arg(worker.counters().failed));
}

// Quiver's search over one database, opened as `quiver-cli search` opens it: the one place
// that knows HybridSearch's constructor and the indexes it reads.
struct ProductSearch {
    std::unique_ptr<KeywordIndex> keywords;
    std::unique_ptr<SearchIndex> index;
    std::unique_ptr<HybridSearch> search;
};

ProductSearch openProductSearch(PgConnection& conn) {
    QElapsedTimer timer;
    timer.start();
    const QString model = cli::resolveIndexModel(conn, QString());
    if (model.isEmpty())
        throw std::runtime_error("no embeddings are stored: the embedding step made none");
    ProductSearch p;
    const QueryEmbedder embed = cli::queryEmbedderForModel(conn, model);
    p.index = cli::openSearchIndex(conn, model);
    p.keywords = cli::openKeywordIndex(conn); // the keyword index is synced as the CLI does
    p.search = std::make_unique<HybridSearch>(conn, p.keywords.get(), p.index.get(), embed);
    say(QStringLiteral("indexes of %1 open (vectors: %2) in %3 s")
            .arg(model, p.index->status().opened)
            .arg(seconds(timer), 0, 'f', 1));
    return p;
}

enum Arm { Keyword, Semantic, Hybrid, ReferenceArm, ArmCount };
const std::array<const char*, ArmCount> kArmNames{"keyword", "semantic", "hybrid", "bm25_ref"};
const std::array<SearchMode, 3> kModes{SearchMode::Keyword, SearchMode::Semantic,
                                       SearchMode::Hybrid};

struct Passage {
    qint64 chunkId = 0;
    double score = 0;
    int document = -1; // corpus index
};

struct ArmTotals {
    QueryMeasures sum;
    std::vector<double> ms;
    int noResults = 0;
};

// TSV fields cannot hold tabs or line breaks.
QByteArray tsvField(const QString& s) {
    QString t = s;
    t.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return t.toUtf8();
}

QByteArray jsonString(const QString& s) {
    const QByteArray array = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

void report(const BeirDataset& data, int queries, qint64 chunks, int candidates,
            const std::array<ArmTotals, ArmCount>& totals) {
    const std::optional<double> published = publishedBm25Ndcg10(data.name);
    std::fprintf(stderr, "\n%-10s %-9s %7s %8s %8s %8s %6s %6s %8s %8s %8s\n", "dataset", "arm",
                 "queries", "nDCG@10", "R@100", "MRR@10", "hit@1", "hit@5", "p50 ms", "p99 ms",
                 "no hits");
    for (int a = 0; a < ArmCount; ++a) {
        const ArmTotals& t = totals[static_cast<std::size_t>(a)];
        const double n = std::max(queries, 1);
        const double p50 = percentileOf(t.ms, 0.5);
        const double p99 = percentileOf(t.ms, 0.99);
        std::printf("{\"dataset\":%s,\"arm\":\"%s\",\"queries\":%d,\"ndcg10\":%.4f,"
                    "\"recall100\":%.4f,\"mrr10\":%.4f,\"hit1\":%.4f,\"hit5\":%.4f,"
                    "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"docs\":%zu,\"chunks\":%lld,"
                    "\"no_results\":%d,\"candidates\":%d,\"published_bm25_ndcg10\":%s}\n",
                    jsonString(data.name).constData(), kArmNames[static_cast<std::size_t>(a)],
                    queries, t.sum.ndcg10 / n, t.sum.recall100 / n, t.sum.mrr10 / n, t.sum.hit1 / n,
                    t.sum.hit5 / n, p50, p99, data.corpus.size(), chunks, t.noResults, candidates,
                    published ? QByteArray::number(*published, 'f', 3).constData() : "null");
        std::fprintf(stderr, "%-10s %-9s %7d %8.4f %8.4f %8.4f %6.3f %6.3f %8.2f %8.2f %8d\n",
                     qPrintable(data.name), kArmNames[static_cast<std::size_t>(a)], queries,
                     t.sum.ndcg10 / n, t.sum.recall100 / n, t.sum.mrr10 / n, t.sum.hit1 / n,
                     t.sum.hit5 / n, p50, p99, t.noResults);
    }
    std::fflush(stdout);
    std::fprintf(stderr,
                 "%s: %zu documents, %lld chunks, %zu test queries (%d measured); qrels rows "
                 "naming no corpus document: %d, qrels queries missing from queries.jsonl: %d; "
                 "published BEIR BM25 nDCG@10: %s\n\n",
                 qPrintable(data.name), data.corpus.size(), chunks, data.queries.size(), queries,
                 data.qrelsMissingDocuments, data.qrelsMissingQueries,
                 published ? QByteArray::number(*published, 'f', 3).constData() : "n/a");
}

void runDataset(const Options& o, const QString& dir, QFile* dump) {
    QElapsedTimer total;
    total.start();
    const BeirDataset data = BeirDataset::load(dir);
    const QString conninfo = datasetDatabase(o.db, o.dbPrefix, data.name);
    PgConnection conn = PgConnection::open(conninfo);
    Migrations::apply(conn);

    const QString folder = QDir(o.work).absoluteFilePath(data.name);
    const QHash<QString, int> byFile = writeDocuments(data, folder);
    importFolder(conn, conninfo, folder, data.name);
    embedPending(conn, conninfo);
    const ProductSearch product = openProductSearch(conn);

    // The chunks of the dataset's collection: their documents, and the reference BM25.
    QElapsedTimer timer;
    timer.start();
    QHash<qint64, int> chunkDocument;
    ReferenceBm25 reference;
    {
        const PgResult r =
            conn.exec(QStringLiteral("SELECT c.id, d.path, c.text FROM quiver.chunks c "
                                     "JOIN quiver.documents d ON d.id = c.document_id "
                                     "JOIN quiver.collections k ON k.id = d.collection_id "
                                     "WHERE k.name = $1 ORDER BY c.id"),
                      {data.name});
        for (int i = 0; i < r.rows(); ++i) {
            const qint64 id = r.toInt64(i, 0);
            chunkDocument.insert(id, byFile.value(QFileInfo(r.text(i, 1)).fileName(), -1));
            reference.add(id, r.text(i, 2));
        }
    }
    const auto chunks = static_cast<qint64>(reference.size());
    say(QStringLiteral("reference BM25 over %1 chunks built in %2 s")
            .arg(chunks)
            .arg(seconds(timer), 0, 'f', 1));

    const auto run = [&](Arm arm, const BeirQuery& q) {
        std::vector<Passage> out;
        if (arm == ReferenceArm) {
            for (const ReferenceBm25::Hit& h : reference.search(q.text, o.candidates))
                out.push_back({h.id, h.score, chunkDocument.value(h.id, -1)});
            return out;
        }
        SearchRequest request;
        request.text = q.text;
        request.k = o.candidates;
        request.mode = kModes[static_cast<std::size_t>(arm)];
        for (const SearchHit& h : product.search->search(request))
            out.push_back({h.chunkId, h.score, chunkDocument.value(h.chunkId, -1)});
        return out;
    };

    const int queries = o.maxQueries > 0
                            ? std::min(o.maxQueries, static_cast<int>(data.queries.size()))
                            : static_cast<int>(data.queries.size());
    for (int i = 0; i < std::min(queries, 10); ++i)
        for (int a = 0; a < ArmCount; ++a)
            (void)run(static_cast<Arm>(a), data.queries[static_cast<std::size_t>(i)]);

    timer.restart();
    Throttle throttle;
    std::array<ArmTotals, ArmCount> totals;
    for (int i = 0; i < queries; ++i) {
        const BeirQuery& q = data.queries[static_cast<std::size_t>(i)];
        for (int a = 0; a < ArmCount; ++a) {
            QElapsedTimer clock;
            clock.start();
            const std::vector<Passage> passages = run(static_cast<Arm>(a), q);
            ArmTotals& t = totals[static_cast<std::size_t>(a)];
            t.ms.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
            std::vector<int> documents;
            documents.reserve(passages.size());
            for (const Passage& p : passages)
                documents.push_back(p.document);
            const QueryMeasures m = measure(documentRanking(documents, data, q), q);
            t.sum.ndcg10 += m.ndcg10;
            t.sum.recall100 += m.recall100;
            t.sum.mrr10 += m.mrr10;
            t.sum.hit1 += m.hit1;
            t.sum.hit5 += m.hit5;
            if (passages.empty())
                ++t.noResults;
            if (!dump)
                continue;
            QByteArray rows;
            const QByteArray head = tsvField(data.name) + '\t' + tsvField(q.id) + '\t' +
                                    kArmNames[static_cast<std::size_t>(a)] + '\t';
            for (std::size_t r = 0; r < passages.size(); ++r) {
                const Passage& p = passages[r];
                rows += head + QByteArray::number(static_cast<qulonglong>(r + 1)) + '\t' +
                        QByteArray::number(p.chunkId) + '\t' + QByteArray::number(p.score, 'g', 9) +
                        '\t' +
                        (p.document >= 0
                             ? tsvField(data.corpus[static_cast<std::size_t>(p.document)].id)
                             : QByteArray()) +
                        '\n';
            }
            if (dump->write(rows) != rows.size())
                throw std::runtime_error(
                    (QStringLiteral("cannot write the dump: ") + dump->errorString())
                        .toStdString());
        }
        if (throttle.due())
            say(QStringLiteral("searching: %1 / %2 queries").arg(i + 1).arg(queries));
    }
    say(QStringLiteral("%1 queries x %2 arms in %3 s; %4 s for the dataset in all")
            .arg(queries)
            .arg(static_cast<int>(ArmCount))
            .arg(seconds(timer), 0, 'f', 1)
            .arg(seconds(total), 0, 'f', 1));
    report(data, queries, chunks, o.candidates, totals);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    Options o;
    if (!parse(QCoreApplication::arguments(), o)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    try {
        for (const QString& dir : std::as_const(o.datasets))
            BeirDataset::check(dir); // before hours of work on the others
        std::unique_ptr<QFile> dump;
        if (!o.dump.isEmpty()) {
            dump = std::make_unique<QFile>(o.dump);
            if (!dump->open(QIODevice::WriteOnly | QIODevice::Truncate))
                throw std::runtime_error(QStringLiteral("cannot write %1: %2")
                                             .arg(o.dump, dump->errorString())
                                             .toStdString());
            dump->write("dataset\tquery_id\tarm\trank\tchunk_id\tscore\tdoc_id\n");
        }
        for (const QString& dir : std::as_const(o.datasets))
            runDataset(o, dir, dump.get());
        return 0;
    } catch (const DatasetError& e) {
        say(QString::fromUtf8(e.what()));
        return 1;
    } catch (const EmbedError& e) {
        say(e.message());
        return 1;
    } catch (const std::exception& e) {
        say(userMessageFor(e));
        return 1;
    }
}
