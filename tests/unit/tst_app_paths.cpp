// Where Quiver keeps its files, and the move of data left by earlier versions in
// <data>/Quiver/Quiver. Plain unit test: a temporary XDG_DATA_HOME, no server.
#include "core/util/app_paths.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace quiver;

class TestAppPaths : public QObject {
    Q_OBJECT
private slots:
    void init();
    void dataDirHasOneLevel();
    void nothingToMigrate();
    void movesLegacyEntriesUp();
    void keepsARunningLegacyCluster();
    void neverOverwritesNewerData();

private:
    static void touch(const QString& path, const QByteArray& content = "x");
    std::unique_ptr<QTemporaryDir> m_home;
};

void TestAppPaths::init() {
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    qputenv("XDG_DATA_HOME", m_home->path().toUtf8());
    qputenv("XDG_CACHE_HOME", (m_home->path() + QStringLiteral("/cache")).toUtf8());
}

void TestAppPaths::touch(const QString& path, const QByteArray& content) {
    QVERIFY(QDir().mkpath(QFileInfo(path).path()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

void TestAppPaths::dataDirHasOneLevel() {
    QCOMPARE(appDataDir(), m_home->path() + QStringLiteral("/Quiver"));
    QCOMPARE(appCacheDir(), m_home->path() + QStringLiteral("/cache/Quiver"));
}

void TestAppPaths::nothingToMigrate() {
    QCOMPARE(migrateLegacyDataDir(), QString());
    QVERIFY(!QFileInfo::exists(appDataDir() + QStringLiteral("/Quiver")));
}

void TestAppPaths::movesLegacyEntriesUp() {
    const QString legacy = appDataDir() + QStringLiteral("/Quiver");
    touch(legacy + QStringLiteral("/postgres/PG_VERSION"), "15\n");
    touch(legacy + QStringLiteral("/notes.txt"));
    QCOMPARE(migrateLegacyDataDir(), QString());
    QVERIFY(!QFileInfo::exists(legacy));
    QFile version(appDataDir() + QStringLiteral("/postgres/PG_VERSION"));
    QVERIFY(version.open(QIODevice::ReadOnly));
    QCOMPARE(version.readAll(), QByteArray("15\n"));
    QVERIFY(QFileInfo::exists(appDataDir() + QStringLiteral("/notes.txt")));
    QCOMPARE(migrateLegacyDataDir(), QString()); // idempotent
}

void TestAppPaths::keepsARunningLegacyCluster() {
    const QString legacy = appDataDir() + QStringLiteral("/Quiver");
    touch(legacy + QStringLiteral("/postgres/PG_VERSION"), "15\n");
    touch(legacy + QStringLiteral("/postgres/postmaster.pid"), "4242\n");
    QCOMPARE(migrateLegacyDataDir(), legacy + QStringLiteral("/postgres"));
    QVERIFY(QFileInfo::exists(legacy + QStringLiteral("/postgres/PG_VERSION")));
    QVERIFY(!QFileInfo::exists(appDataDir() + QStringLiteral("/postgres")));
    // Once that server has stopped, the next call moves it.
    QVERIFY(QFile::remove(legacy + QStringLiteral("/postgres/postmaster.pid")));
    QCOMPARE(migrateLegacyDataDir(), QString());
    QVERIFY(QFileInfo::exists(appDataDir() + QStringLiteral("/postgres/PG_VERSION")));
}

void TestAppPaths::neverOverwritesNewerData() {
    const QString legacy = appDataDir() + QStringLiteral("/Quiver");
    touch(legacy + QStringLiteral("/postgres/PG_VERSION"), "13\n");
    touch(appDataDir() + QStringLiteral("/postgres/PG_VERSION"), "15\n");
    QCOMPARE(migrateLegacyDataDir(), QString()); // the new cluster wins
    QFile version(appDataDir() + QStringLiteral("/postgres/PG_VERSION"));
    QVERIFY(version.open(QIODevice::ReadOnly));
    QCOMPARE(version.readAll(), QByteArray("15\n"));
    QVERIFY(QFileInfo::exists(legacy + QStringLiteral("/postgres/PG_VERSION"))); // kept, not lost
}

QTEST_GUILESS_MAIN(TestAppPaths)
#include "tst_app_paths.moc"
