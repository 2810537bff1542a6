#include "core/ingest/folder_walker.h"
#include "core/ingest/ignore_rules.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>
#include <QtTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <sys/stat.h>
#include <unistd.h>

using namespace quiver;

namespace {
void touch(const QString& path, const QByteArray& content = "x") {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}
QStringList relative(const FolderWalker::Result& r, const QString& base) {
    QStringList out;
    for (const auto& f : r.files)
        out.append(QDir(base).relativeFilePath(f.path));
    return out;
}
} // namespace

class TestFolderWalker : public QObject {
    Q_OBJECT
private slots:
    void gitignoreSyntax() {
        const IgnoreRules rules({QStringLiteral("# comment"), QStringLiteral("*.log"),
                                 QStringLiteral("build/"), QStringLiteral("/top.txt"),
                                 QStringLiteral("docs/**/draft-?.md"), QStringLiteral("!keep.log"),
                                 QStringLiteral("[ab].tmp")},
                                QStringLiteral("/r"));
        using V = IgnoreRules::Verdict;
        QCOMPARE(rules.match(QStringLiteral("/r/x.log"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/deep/er/x.log"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/keep.log"), false), V::Keep);
        QCOMPARE(rules.match(QStringLiteral("/r/build"), true), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/build"), false), V::None); // a file named build
        QCOMPARE(rules.match(QStringLiteral("/r/src/build/o.c"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/top.txt"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/sub/top.txt"), false), V::None);
        QCOMPARE(rules.match(QStringLiteral("/r/docs/a/b/draft-1.md"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/docs/draft-1.md"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/docs/draft-12.md"), false), V::None);
        QCOMPARE(rules.match(QStringLiteral("/r/a.tmp"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/c.tmp"), false), V::None);
        QCOMPARE(rules.match(QStringLiteral("/elsewhere/x.log"), false), V::None);
    }

    void walksAndSkips() {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        touch(root + QStringLiteral("/a.txt"));
        touch(root + QStringLiteral("/sub/b.md"));
        touch(root + QStringLiteral("/.hidden.txt"));
        touch(root + QStringLiteral("/.config/c.txt"));
        touch(root + QStringLiteral("/.git/HEAD"));
        touch(root + QStringLiteral("/CVS/Entries"));
        touch(root + QStringLiteral("/notes.log"));
        touch(root + QStringLiteral("/sub/.quiverignore"), "secret*\n");
        touch(root + QStringLiteral("/sub/secret-plan.txt"));
        touch(root +
              QStringLiteral("/secret-top.txt")); // .quiverignore of sub/ does not reach here
        touch(root + QStringLiteral("/big.txt"), QByteArray(2048, 'x'));
        QVERIFY(QFile::link(root, root + QStringLiteral("/sub/loop")));
        QVERIFY(QFile::link(root + QStringLiteral("/missing"), root + QStringLiteral("/dangling")));

        const FolderWalker walker(1024, {QStringLiteral("*.log")});
        const FolderWalker::Result r = walker.walk(root);
        QCOMPARE(relative(r, root),
                 (QStringList{QStringLiteral("a.txt"), QStringLiteral("secret-top.txt"),
                              QStringLiteral("sub/b.md")}));
        QStringList reasons;
        for (const auto& s : r.skipped)
            reasons.append(QDir(root).relativeFilePath(s.path) + QStringLiteral(": ") + s.reason);
        QCOMPARE(reasons.size(), 3);
        QVERIFY2(reasons.filter(QStringLiteral("big.txt: larger than the import limit")).size() ==
                     1,
                 qPrintable(reasons.join(QLatin1Char('\n'))));
        QVERIFY(reasons.filter(QStringLiteral("sub/loop: symbolic link loop")).size() == 1);
        QVERIFY(reasons.filter(QStringLiteral("dangling: broken symbolic link")).size() == 1);
        QVERIFY(r.ignored >= 6);
    }

    void singleFileRoot() {
        QTemporaryDir tmp;
        touch(tmp.filePath(QStringLiteral("one.txt")), "hello");
        const auto r = FolderWalker(100, {}).walk(tmp.filePath(QStringLiteral("one.txt")));
        QCOMPARE(r.files.size(), 1);
        QCOMPARE(r.files[0].size, 5);
        const auto missing = FolderWalker(100, {}).walk(tmp.filePath(QStringLiteral("nope")));
        QCOMPARE(missing.skipped.size(), 1);
    }

    // The rules for what lies below a root hold for the root itself, however it is reached.
    void rootsFollowTheRules() {
        QTemporaryDir tmp;
        const QString ssh = tmp.filePath(QStringLiteral(".ssh"));
        touch(ssh + QStringLiteral("/id_ed25519"), "PRIVATE KEY");
        touch(tmp.filePath(QStringLiteral("repo/.git/config")), "[core]");
        touch(tmp.filePath(QStringLiteral("notes/plan.txt")), "plan");
        QVERIFY(QFile::link(ssh, tmp.filePath(QStringLiteral("innocent"))));
        QVERIFY(::mkfifo(QFile::encodeName(tmp.filePath(QStringLiteral("pipe"))).constData(),
                         0600) == 0);
        const FolderWalker walker(1024, {});
        const QStringList refused{ssh,
                                  ssh + QStringLiteral("/id_ed25519"),
                                  tmp.filePath(QStringLiteral("repo/.git")),
                                  tmp.filePath(QStringLiteral("innocent")),
                                  tmp.filePath(QStringLiteral("innocent/id_ed25519")),
                                  tmp.filePath(QStringLiteral("pipe"))};
        for (const QString& root : refused) {
            QVERIFY2(!FolderWalker::rootProblem(root).isEmpty(), qPrintable(root));
            const FolderWalker::Result r = walker.walk(root);
            QVERIFY2(r.files.isEmpty(), qPrintable(root));
            QCOMPARE(r.skipped.size(), 1);
            QCOMPARE(r.skipped.first().reason, FolderWalker::rootProblem(root));
        }
        QVERIFY(FolderWalker::rootProblem(ssh).contains(QLatin1String("\".ssh\"")));
        QVERIFY(FolderWalker::rootProblem(tmp.filePath(QStringLiteral("pipe")))
                    .contains(QLatin1String("not a regular file")));
        // A visible folder is walked as before.
        QVERIFY(FolderWalker::rootProblem(tmp.filePath(QStringLiteral("notes"))).isEmpty());
        QCOMPARE(walker.walk(tmp.filePath(QStringLiteral("notes"))).files.size(), 1);
    }

    // A folder that cannot be listed is named, so that nothing below it is taken for gone.
    void unreadableFoldersAreNamed() {
        if (::geteuid() == 0)
            QFAIL("runs unprivileged (tests/harness/as_unprivileged.sh): as root every folder "
                  "can be read");
        QTemporaryDir tmp;
        touch(tmp.filePath(QStringLiteral("a.txt")));
        touch(tmp.filePath(QStringLiteral("locked/b.txt")));
        const QString locked = tmp.filePath(QStringLiteral("locked"));
        QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions{}));
        const FolderWalker::Result r = FolderWalker(1024, {}).walk(tmp.path());
        QVERIFY(QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                  QFileDevice::ExeOwner));
        QCOMPARE(r.unreadableFolders, QStringList{locked});
        QCOMPARE(r.files.size(), 1);
    }

    void onlyRegularFilesInsideTheFolder() {
        QTemporaryDir outside;
        const QString secret = outside.filePath(QStringLiteral("secret.txt"));
        touch(secret, "private");
        touch(outside.filePath(QStringLiteral("dir/elsewhere.txt")));
        QTemporaryDir tmp;
        const QString root = tmp.path();
        touch(root + QStringLiteral("/a.txt"));
        touch(root + QStringLiteral("/sub/b.txt"));
        QVERIFY(QFile::link(secret, root + QStringLiteral("/to-secret.txt")));
        QVERIFY(
            QFile::link(outside.filePath(QStringLiteral("dir")), root + QStringLiteral("/to-dir")));
        QVERIFY(
            QFile::link(root + QStringLiteral("/sub/b.txt"), root + QStringLiteral("/alias.txt")));
        QVERIFY(QFile::link(root + QStringLiteral("/sub"), root + QStringLiteral("/sublink")));
#ifdef Q_OS_UNIX
        QCOMPARE(::mkfifo(QFile::encodeName(root + QStringLiteral("/pipe")).constData(), 0600), 0);
        QCOMPARE(::link(QFile::encodeName(root + QStringLiteral("/a.txt")).constData(),
                        QFile::encodeName(root + QStringLiteral("/hard.txt")).constData()),
                 0);
#endif
        const FolderWalker::Result r = FolderWalker(1024, {}).walk(root);
        // The file itself, never the links to it (aliases sort first but lose to the file).
        QCOMPARE(relative(r, root),
                 (QStringList{QStringLiteral("a.txt"), QStringLiteral("sub/b.txt")}));
        QMap<QString, QString> reasons;
        for (const auto& s : r.skipped)
            reasons.insert(QDir(root).relativeFilePath(s.path), s.reason);
        const QString all = QStringList(reasons.keys()).join(QLatin1Char(' '));
        QVERIFY2(reasons.value(QStringLiteral("to-secret.txt")).contains(QLatin1String("outside")),
                 qPrintable(all));
        QVERIFY(reasons.value(QStringLiteral("to-dir")).contains(QLatin1String("outside")));
        QVERIFY(reasons.value(QStringLiteral("alias.txt")).contains(QLatin1String("same file")));
        QVERIFY(reasons.value(QStringLiteral("sublink")).contains(QLatin1String("already")));
#ifdef Q_OS_UNIX
        QVERIFY(reasons.value(QStringLiteral("pipe")).contains(QLatin1String("named pipe")));
        QVERIFY(reasons.value(QStringLiteral("hard.txt")).contains(QLatin1String("same file")));
#endif
        for (const auto& f : r.files)
            QVERIFY(!f.readPath.startsWith(outside.path()));

        // Allowed, the links lead out and are read where they lead.
        const FolderWalker::Result followed = FolderWalker(1024, {}, true).walk(root);
        QVERIFY(relative(followed, root).contains(QStringLiteral("to-secret.txt")));
        QVERIFY(relative(followed, root).contains(QStringLiteral("to-dir/elsewhere.txt")));
        for (const auto& f : followed.files) {
            if (f.path.endsWith(QLatin1String("to-secret.txt"))) {
                QCOMPARE(f.readPath, QFileInfo(secret).canonicalFilePath());
                QVERIFY(f.viaLink);
            }
        }
    }
#ifdef Q_OS_UNIX
    void aPipeAsTheRootIsRefused() {
        QTemporaryDir tmp;
        const QString fifo = tmp.filePath(QStringLiteral("pipe"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const auto r = FolderWalker(100, {}).walk(fifo);
        QCOMPARE(r.files.size(), 0);
        QCOMPARE(r.skipped.size(), 1);
        QVERIFY(r.skipped[0].reason.contains(QLatin1String("not a regular file")));
        const auto dev = FolderWalker(100, {}).walk(QStringLiteral("/dev/null"));
        QCOMPARE(dev.files.size(), 0);
        QCOMPARE(dev.skipped.size(), 1);
    }
#endif
    void hostileIgnorePatternsStayFast() {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        touch(root + QStringLiteral("/.quiverignore"), "*a*a*a*a*a*a*a*a*a*a*a*a*b\n");
        const QString name = QString(200, QLatin1Char('a'));
        touch(root + QLatin1Char('/') + name);
        touch(root + QLatin1Char('/') + QString(12, QLatin1Char('a')) + QLatin1Char('b'));
        QElapsedTimer timer;
        timer.start();
        const auto r = FolderWalker(1024, {}).walk(root);
        QCOMPARE(relative(r, root), QStringList{name});
        QVERIFY2(timer.elapsed() < 60'000, qPrintable(QString::number(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestFolderWalker)
#include "tst_folder_walker.moc"
