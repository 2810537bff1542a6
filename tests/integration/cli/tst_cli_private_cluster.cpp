// quiver-cli on its embedded default: no --db, no QUIVER_DB, no saved server, so it starts
// (and afterwards stops) a private PostgreSQL cluster in the user's data directory.
// Runs as an unprivileged user: PostgreSQL refuses to run as root.
#include "core/db/migrations.h"
#include "tests/integration/cli/cli_runner.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using quiver::test::runCli;

class TestCliPrivateCluster : public QObject {
    Q_OBJECT
private slots:
    void statusStartsAndStopsPrivateCluster();

private:
    static QString findPostmasterPid(const QString& root);
};

QString TestCliPrivateCluster::findPostmasterPid(const QString& root) {
    QDirIterator it(root, {QStringLiteral("postmaster.pid")}, QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    return it.hasNext() ? it.next() : QString();
}

void TestCliPrivateCluster::statusStartsAndStopsPrivateCluster() {
    QTemporaryDir home;
    QVERIFY(home.isValid());
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QUIVER_DB"));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));

    for (int run = 0; run < 2; ++run) { // the second run reuses the cluster the first created
        const auto r =
            runCli({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--json")}, env);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("schema_version")).toInt(),
                 quiver::Migrations::latestVersion());
        QCOMPARE(o.value(QStringLiteral("database")).toString(),
                 QStringLiteral("Private database on this computer"));
        // The cluster lives in the data directory, and the last user leaving stops it.
        QVERIFY(QDir(home.filePath(QStringLiteral("data"))).exists());
        QVERIFY2(findPostmasterPid(home.path()).isEmpty(), "the private cluster was left running");
    }
}

QTEST_GUILESS_MAIN(TestCliPrivateCluster)
#include "tst_cli_private_cluster.moc"
