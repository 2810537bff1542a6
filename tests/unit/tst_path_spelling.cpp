// Paths spelled as the file system lists them (what a case-insensitive system keeps), from
// folders made here: the component matching is the same on every system.
#include "core/util/path_spelling.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace quiver;

class TestPathSpelling : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("Field Notes/Birds"))));
        QFile f(m_dir.filePath(QStringLiteral("Field Notes/Birds/Dawn.TXT")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        // Two names that differ in case only, where the volume can hold them.
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("twin"))));
        m_caseSensitive = !QFileInfo::exists(m_dir.filePath(QStringLiteral("TWIN")));
        if (m_caseSensitive)
            QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("Twin"))));
        m_root = QDir(m_dir.path()).canonicalPath();
    }
    void componentsTakeTheirListedSpelling() {
        QCOMPARE(onDiskSpelling(m_root + QStringLiteral("/field notes/BIRDS/dawn.txt")),
                 m_root + QStringLiteral("/Field Notes/Birds/Dawn.TXT"));
        QCOMPARE(onDiskSpelling(m_root + QStringLiteral("/Field Notes/Birds")),
                 m_root + QStringLiteral("/Field Notes/Birds"));
    }
    void exactAmbiguousAndUnknownNamesStayAsGiven() {
        QCOMPARE(onDiskSpelling(m_root + QStringLiteral("/twin")),
                 m_root + QStringLiteral("/twin"));
        if (m_caseSensitive) {
            QCOMPARE(onDiskSpelling(m_root + QStringLiteral("/Twin")),
                     m_root + QStringLiteral("/Twin"));
            QCOMPARE(onDiskSpelling(m_root + QStringLiteral("/TWIN")),
                     m_root + QStringLiteral("/TWIN")); // two candidates: no guess
        } else {
            QCOMPARE(onDiskSpelling(m_root + QStringLiteral("/TWIN")),
                     m_root + QStringLiteral("/twin"));
        }
        QCOMPARE(onDiskSpelling(m_root + QStringLiteral("/field notes/nowhere/x")),
                 m_root + QStringLiteral("/Field Notes/nowhere/x"));
    }
    void driveLettersAreUpperCase() {
        QCOMPARE(onDiskSpelling(QStringLiteral("c:")), QStringLiteral("C:"));
    }
    void caseSensitiveSystemsKeepThePath() {
        // Here the path does not exist as spelled (Linux), or exists and is corrected (Windows,
        // macOS): never turned into another existing folder on a case-sensitive system.
        const QString typed = m_root + QStringLiteral("/field notes");
#if defined(Q_OS_WIN) || defined(Q_OS_MACOS)
        QCOMPARE(canonicalCase(typed), m_root + QStringLiteral("/Field Notes"));
#else
        QCOMPARE(canonicalCase(typed), typed);
#endif
    }

private:
    QTemporaryDir m_dir;
    QString m_root;
    bool m_caseSensitive = true;
};

QTEST_GUILESS_MAIN(TestPathSpelling)
#include "tst_path_spelling.moc"
