// The whole path on a fresh database with Quiver's defaults, through the command line: import
// plain-text files, embed them with `worker --once` (the default profile: the on-device sentence
// model), then ask questions that share no content word with the passage that answers them.
// Real parts: the PostgreSQL server of the ctest fixture, the built quiver-cli, the model files.
#include "tests/harness/test_postgres.h"
#include "tests/integration/cli/cli_runner.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace quiver;
using quiver::test::TestPostgres;

namespace {

// Each passage and a question in other words. File names carry no hint of the topic, since the
// embedded text starts with the document's title.
const struct {
    const char* file;
    const char* passage;
    const char* question;
} kCases[] = {
    {"note-1.txt",
     "Combine flour, water, yeast and salt, knead the dough for ten minutes, let it rise until it "
     "has doubled, then bake the loaf in a hot oven for forty minutes.",
     "How do I make bread at home?"},
    {"note-2.txt",
     "If you forgot your login credentials, click the link on the sign-in screen and we will "
     "email you instructions to choose a new one.",
     "I can't remember my password, how can I reset it?"},
    {"note-3.txt", "A kitten was napping on the rug next to the fireplace, purring softly.",
     "Where is the cat sleeping?"},
    {"note-4.txt",
     "Heavy rain and strong winds are expected tomorrow, with thunderstorms in the afternoon.",
     "What is the weather forecast?"},
    {"note-5.txt",
     "The team scored twice in the second half and lifted the trophy in front of sixty thousand "
     "fans.",
     "Who won the football match?"},
    {"note-6.txt",
     "Take two tablets with water every eight hours, and see a doctor if the fever lasts more "
     "than three days.",
     "What medicine dose should I take when I am ill?"},
};

} // namespace

class TestSemanticEndToEnd : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void paraphrasesFindTheirPassage();

private:
    test::CliRun cli(QStringList args) const;
    QString m_conninfo;
    QTemporaryDir m_home;
    QTemporaryDir m_corpus;
};

void TestSemanticEndToEnd::initTestCase() {
    QVERIFY(m_home.isValid() && m_corpus.isValid());
    m_conninfo = TestPostgres::instance().createDatabase(QStringLiteral("e2e"));
    for (const auto& c : kCases) {
        QFile f(m_corpus.filePath(QString::fromLatin1(c.file)));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(c.passage);
        f.write("\n");
    }
}

void TestSemanticEndToEnd::cleanupTestCase() {
    TestPostgres::instance().dropDatabase(m_conninfo);
}

test::CliRun TestSemanticEndToEnd::cli(QStringList args) const {
    args << QStringLiteral("--db") << m_conninfo;
    return test::runCli(args, test::isolatedEnvironment(m_home.path()));
}

void TestSemanticEndToEnd::paraphrasesFindTheirPassage() {
    const auto imported = cli({QStringLiteral("import"), m_corpus.path()});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    const auto worker = cli({QStringLiteral("worker"), QStringLiteral("--once")});
    QVERIFY2(worker.exitCode == 0, worker.err.constData());

    for (const auto& c : kCases) {
        const auto r = cli({QStringLiteral("search"), QString::fromLatin1(c.question),
                            QStringLiteral("--mode"), QStringLiteral("semantic"),
                            QStringLiteral("-k"), QStringLiteral("3"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray first = r.out.left(r.out.indexOf('\n'));
        const QJsonObject top = QJsonDocument::fromJson(first).object();
        QVERIFY2(top.value(QStringLiteral("path")).toString().endsWith(QLatin1String(c.file)),
                 qPrintable(QStringLiteral("'%1' found %2, not %3")
                                .arg(QLatin1String(c.question),
                                     top.value(QStringLiteral("path")).toString(),
                                     QLatin1String(c.file))));
    }
}

QTEST_GUILESS_MAIN(TestSemanticEndToEnd)
#include "tst_semantic_end_to_end.moc"
