// quiver-cli search and index, run as a process against the real test server.
#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "tests/harness/test_postgres.h"
#include "tests/integration/cli/cli_runner.h"
#include "tests/integration/search/search_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace quiver;
using quiver::test::TestPostgres;

class TestCliSearch : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void keywordSearchPrintsJsonLines();
    void textOutputNamesTitleAndPath();
    void hybridWithoutEmbedderFallsBackToKeywords();
    void semanticWithoutEmbedderFailsClearly();
    void collectionFilter();
    void typeAndImportDateFilters();
    void explainNamesEachArmsReason();
    void wrongUsage_data();
    void wrongUsage();
    void indexStatusRebuildVerify();
    void datesWithoutZoneAreTheUsersLocalTime();

private:
    test::CliRun cli(QStringList args) const;
    QList<QJsonObject> jsonLines(const QByteArray& out) const;

    QString m_conninfo;
    QTemporaryDir m_home;
};

void TestCliSearch::initTestCase() {
    QVERIFY(m_home.isValid());
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("clisearch"));
    PgConnection c = PgConnection::open(m_conninfo);
    Migrations::apply(c);
    test::WordHashEmbedder embedder;
    const qint64 physics = test::addCollection(c, QStringLiteral("Physics"));
    const qint64 recipes = test::addCollection(c, QStringLiteral("Recipes"));
    const struct {
        qint64 collection;
        const char* title;
        const char* text;
    } docs[] = {
        {physics, "orbits", "Planets follow elliptical orbits around the sun under gravity."},
        {physics, "ovens", "A hot oven radiates heat like a black body."},
        {recipes, "bread", "Knead the dough and bake the bread in a hot oven."},
    };
    for (const auto& d : docs) {
        // One document of another type, for the type filter.
        const QString mime = qstrcmp(d.title, "ovens") == 0 ? QStringLiteral("application/pdf")
                                                            : QStringLiteral("text/plain");
        const qint64 doc = test::addDocument(
            c, d.collection, QStringLiteral("/corpus/%1.txt").arg(QLatin1String(d.title)),
            QString::fromLatin1(d.title), mime);
        const QString text = QString::fromLatin1(d.text);
        test::addChunk(c, doc, 0, QStringLiteral("Preface of %1.").arg(QLatin1String(d.title)));
        const qint64 chunk = test::addChunk(c, doc, 1, text);
        test::addEmbedding(c, chunk, embedder.modelId(), embedder.vectorOf(text));
    }
}

void TestCliSearch::cleanupTestCase() {
    TestPostgres::instance().dropDatabase(m_conninfo);
}

test::CliRun TestCliSearch::cli(QStringList args) const {
    args << QStringLiteral("--db") << m_conninfo;
    return test::runCli(args, test::isolatedEnvironment(m_home.path()));
}

QList<QJsonObject> TestCliSearch::jsonLines(const QByteArray& out) const {
    QList<QJsonObject> objects;
    for (const QByteArray& line : out.split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (!doc.isObject())
            return {};
        objects.append(doc.object());
    }
    return objects;
}

void TestCliSearch::keywordSearchPrintsJsonLines() {
    const auto r =
        cli({QStringLiteral("search"), QStringLiteral("elliptical"), QStringLiteral("orbits"),
             QStringLiteral("--mode"), QStringLiteral("keyword"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    // Any word may match: the passage with both comes first, the preface of "orbits" (one word,
    // and the title) after it.
    const auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(1).value(QStringLiteral("chunk")).toInt(), 0);
    const QJsonObject o = lines.front();
    QCOMPARE(o.value(QStringLiteral("path")).toString(), QStringLiteral("/corpus/orbits.txt"));
    QCOMPARE(o.value(QStringLiteral("title")).toString(), QStringLiteral("orbits"));
    QCOMPARE(o.value(QStringLiteral("chunk")).toInt(), 1);
    QVERIFY(o.contains(QStringLiteral("page")));
    QVERIFY(o.value(QStringLiteral("score")).toDouble() > 0);
    QVERIFY(o.value(QStringLiteral("text")).toString().contains(QLatin1String("gravity")));
}

void TestCliSearch::textOutputNamesTitleAndPath() {
    const auto r =
        cli({QStringLiteral("search"), QStringLiteral("hot oven"), QStringLiteral("--mode=keyword"),
             QStringLiteral("-k"), QStringLiteral("1")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith("1. "), r.out.constData());
    QCOMPARE(r.out.count('\n'), 2); // one result: a heading line and a text line
    QVERIFY(r.out.contains("/corpus/"));
}

void TestCliSearch::hybridWithoutEmbedderFallsBackToKeywords() {
    const auto r =
        cli({QStringLiteral("search"), QStringLiteral("bread"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains("no embedding profile makes vectors"), r.err.constData());
    QVERIFY(r.err.contains("keyword only"));
    QCOMPARE(jsonLines(r.out).size(), 2); // the bread chunk and the bread preface
}

void TestCliSearch::semanticWithoutEmbedderFailsClearly() {
    const auto r = cli({QStringLiteral("search"), QStringLiteral("bread"), QStringLiteral("--mode"),
                        QStringLiteral("semantic")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains("no embedding profile makes vectors") &&
                 r.err.contains("--mode keyword"),
             r.err.constData());
}

void TestCliSearch::collectionFilter() {
    const auto r =
        cli({QStringLiteral("search"), QStringLiteral("hot oven"), QStringLiteral("--mode"),
             QStringLiteral("keyword"), QStringLiteral("--collection"), QStringLiteral("Recipes"),
             QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.front().value(QStringLiteral("collection")).toString(),
             QStringLiteral("Recipes"));
    const auto missing = cli({QStringLiteral("search"), QStringLiteral("oven"),
                              QStringLiteral("--collection"), QStringLiteral("Poetry")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("no collection named 'Poetry'"));
}

void TestCliSearch::explainNamesEachArmsReason() {
    auto r =
        cli({QStringLiteral("search"), QStringLiteral("Elliptical orbit"), QStringLiteral("--mode"),
             QStringLiteral("keyword"), QStringLiteral("--explain"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 2);
    const QJsonObject first = lines.front();
    QCOMPARE(first.value(QStringLiteral("matched")).toArray(),
             (QJsonArray{QStringLiteral("Elliptical"), QStringLiteral("orbit")}));
    QCOMPARE(
        first.value(QStringLiteral("keyword")).toObject().value(QStringLiteral("rank")).toInt(), 1);
    QVERIFY(first.value(QStringLiteral("keyword"))
                .toObject()
                .value(QStringLiteral("score"))
                .toDouble() > 0);
    QVERIFY(first.value(QStringLiteral("semantic")).isNull());
    QCOMPARE(lines.at(1).value(QStringLiteral("matched")).toArray(),
             QJsonArray{QStringLiteral("orbit")});
    // Without --explain the lines stay as they were.
    r = cli({QStringLiteral("search"), QStringLiteral("orbit"), QStringLiteral("--mode"),
             QStringLiteral("keyword"), QStringLiteral("--json")});
    QVERIFY(!jsonLines(r.out).front().contains(QStringLiteral("matched")));
    // Text output explains on a line of its own.
    r = cli({QStringLiteral("search"), QStringLiteral("elliptical"), QStringLiteral("--mode"),
             QStringLiteral("keyword"), QStringLiteral("--explain")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("matched: elliptical · keyword #1 (BM25 "), r.out.constData());
}

void TestCliSearch::typeAndImportDateFilters() {
    const QStringList hotOven = {QStringLiteral("search"), QStringLiteral("hot oven"),
                                 QStringLiteral("--mode"), QStringLiteral("keyword"),
                                 QStringLiteral("--json")};
    auto r =
        cli(hotOven + QStringList{QStringLiteral("--type"), QStringLiteral("application/pdf")});
    QCOMPARE(r.exitCode, 0);
    auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 2); // the passage and the preface titled "ovens"
    for (const QJsonObject& line : lines) {
        QCOMPARE(line.value(QStringLiteral("title")).toString(), QStringLiteral("ovens"));
        QCOMPARE(line.value(QStringLiteral("mime")).toString(), QStringLiteral("application/pdf"));
    }
    QCOMPARE(lines.front().value(QStringLiteral("chunk")).toInt(), 1);

    r = cli(hotOven +
            QStringList{QStringLiteral("--type"), QStringLiteral("application/pdf, text/plain")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(jsonLines(r.out).size(), 3); // bread's passage too

    // Everything was imported today: nothing after tomorrow, everything before it.
    const QString tomorrow = QDate::currentDate().addDays(1).toString(Qt::ISODate);
    r = cli(hotOven + QStringList{QStringLiteral("--after"), tomorrow});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    r = cli(hotOven + QStringList{QStringLiteral("--before"), tomorrow});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(jsonLines(r.out).size(), 3); // bread's passage too
    const QString yesterday =
        QDateTime::currentDateTime().addDays(-1).toString(Qt::ISODate); // a date and a time
    r = cli(hotOven + QStringList{QStringLiteral("--after"), yesterday});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(jsonLines(r.out).size(), 3); // bread's passage too

    r = cli(hotOven + QStringList{QStringLiteral("--after"), QStringLiteral("last tuesday")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--after needs a date"), r.err.constData());
}

void TestCliSearch::wrongUsage_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("no text") << QStringList{QStringLiteral("search")};
    QTest::newRow("k zero") << QStringList{QStringLiteral("search"), QStringLiteral("x"),
                                           QStringLiteral("-k"), QStringLiteral("0")};
    QTest::newRow("bad mode") << QStringList{QStringLiteral("search"), QStringLiteral("x"),
                                             QStringLiteral("--mode"), QStringLiteral("fuzzy")};
    QTest::newRow("unknown option")
        << QStringList{QStringLiteral("search"), QStringLiteral("x"), QStringLiteral("--colour")};
    QTest::newRow("empty type") << QStringList{QStringLiteral("search"), QStringLiteral("x"),
                                               QStringLiteral("--type="), QStringLiteral("--json")};
    QTest::newRow("bad before") << QStringList{QStringLiteral("search"), QStringLiteral("x"),
                                               QStringLiteral("--before"),
                                               QStringLiteral("2026-13-45")};
    QTest::newRow("index what") << QStringList{QStringLiteral("index"), QStringLiteral("polish")};
}

void TestCliSearch::wrongUsage() {
    QFETCH(QStringList, args);
    const auto r = cli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
}

void TestCliSearch::indexStatusRebuildVerify() {
    auto r = cli({QStringLiteral("index"), QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.front().value(QStringLiteral("vectors")).toInt(), 3);
    QCOMPARE(lines.front().value(QStringLiteral("pending_chunks")).toInt(), 3);
    QCOMPARE(lines.front().value(QStringLiteral("kind")).toString(), QStringLiteral("exact"));
    QCOMPARE(lines.front().value(QStringLiteral("dimensions")).toInt(), 64);

    r = cli({QStringLiteral("index"), QStringLiteral("rebuild")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Recall@10:"), r.out.constData());

    r = cli({QStringLiteral("index"), QStringLiteral("verify"), QStringLiteral("--sample"),
             QStringLiteral("3")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith("recall@10 = 1.0000 over 3 sampled queries"), r.out.constData());
}

void TestCliSearch::datesWithoutZoneAreTheUsersLocalTime() {
    // Two documents imported two hours apart around midnight of 1 November in Tokyo.
    {
        PgConnection c = PgConnection::open(m_conninfo);
        const qint64 logbook = test::addCollection(c, QStringLiteral("Logbook"));
        const struct {
            const char* title;
            const char* importedAt;
        } docs[] = {{"early", "2026-10-31T14:00:00Z"}, {"late", "2026-10-31T16:00:00Z"}};
        for (const auto& d : docs) {
            const qint64 doc = test::addDocument(
                c, logbook, QStringLiteral("/logbook/%1.txt").arg(QLatin1String(d.title)),
                QString::fromLatin1(d.title));
            c.exec(QStringLiteral("UPDATE quiver.documents SET imported_at = $2::timestamptz "
                                  "WHERE id = $1"),
                   {doc, QString::fromLatin1(d.importedAt)});
            test::addChunk(c, doc, 0, QStringLiteral("The ship crossed the meridian."));
        }
    }
    // The user is in Tokyo (UTC+9, a POSIX zone that needs no tz database); the database
    // session reads times without a zone as UTC.
    QProcessEnvironment env = test::isolatedEnvironment(m_home.path());
    env.insert(QStringLiteral("TZ"), QStringLiteral("JST-9"));
    env.insert(QStringLiteral("PGTZ"), QStringLiteral("UTC"));
    const auto titles = [&](const QString& option, const QString& when) {
        const auto r = test::runCli({QStringLiteral("search"), QStringLiteral("meridian"),
                                     QStringLiteral("--mode"), QStringLiteral("keyword"),
                                     QStringLiteral("--json"), option, when, QStringLiteral("--db"),
                                     m_conninfo},
                                    env);
        QStringList found;
        if (r.exitCode != 0)
            return QStringList{QStringLiteral("exit %1: ").arg(r.exitCode) +
                               QString::fromUtf8(r.err)};
        for (const QJsonObject& line : jsonLines(r.out))
            found << line.value(QStringLiteral("title")).toString();
        found.sort();
        return found;
    };
    const QStringList early{QStringLiteral("early")};
    const QStringList late{QStringLiteral("late")};
    // A date is the start of that day in Tokyo: 2026-10-31T15:00Z.
    QCOMPARE(titles(QStringLiteral("--after"), QStringLiteral("2026-11-01")), late);
    QCOMPARE(titles(QStringLiteral("--before"), QStringLiteral("2026-11-01")), early);
    // A time without a zone too (and not only its day): 00:30 in Tokyo is 15:30Z.
    QCOMPARE(titles(QStringLiteral("--before"), QStringLiteral("2026-11-01T00:30")), early);
    QCOMPARE(titles(QStringLiteral("--after"), QStringLiteral("2026-11-01T00:30:00")), late);
    QCOMPARE(titles(QStringLiteral("--after"), QStringLiteral("2026-11-01T01:30")), QStringList());
    QCOMPARE(titles(QStringLiteral("--before"), QStringLiteral("2026-10-31T23:30")), early);
    QCOMPARE(titles(QStringLiteral("--before"), QStringLiteral("2026-10-31 23:30")), early);
    // A stated zone is kept.
    QCOMPARE(titles(QStringLiteral("--after"), QStringLiteral("2026-10-31T15:30Z")), late);
    QCOMPARE(titles(QStringLiteral("--after"), QStringLiteral("2026-10-31T13:00:00Z")),
             (QStringList{QStringLiteral("early"), QStringLiteral("late")}));
    QCOMPARE(titles(QStringLiteral("--before"), QStringLiteral("2026-11-01T00:30+09:00")), early);
    QCOMPARE(titles(QStringLiteral("--after"), QStringLiteral("2026-11-01T01:30+11:00")), late);
    // Whatever follows a day must be a time.
    const auto r = test::runCli({QStringLiteral("search"), QStringLiteral("meridian"),
                                 QStringLiteral("--after"), QStringLiteral("2026-11-01 noon"),
                                 QStringLiteral("--db"), m_conninfo},
                                env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--after needs a date"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestCliSearch)
#include "tst_cli_search.moc"
