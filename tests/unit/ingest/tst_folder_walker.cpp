#include "core/ingest/folder_walker.h"
#include "core/ingest/ignore_rules.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

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
};

QTEST_GUILESS_MAIN(TestFolderWalker)
#include "tst_folder_walker.moc"
