#include "core/ingest/glob_pattern.h"
#include "core/ingest/ignore_rules.h"

#include <QtTest>

using namespace quiver;

class TestGlobPattern : public QObject {
    Q_OBJECT
private slots:
    void matches_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("expected");
        const auto row = [](const char* p, const char* path, bool e) {
            QTest::addRow("%s ~ %s", p, path)
                << QString::fromUtf8(p) << QString::fromUtf8(path) << e;
        };
        row("*.log", "x.log", true);
        row("*.log", "a/x.log", false); // anchored: '*' never crosses '/'
        row("a*b", "a/b", false);
        row("a*b", "ab", true);
        row("a**b", "axyb", true); // not a whole segment: an ordinary star
        row("**/x.log", "x.log", true);
        row("**/x.log", "a/b/x.log", true);
        row("a/**", "a", false); // everything inside, not the folder itself
        row("a/**", "a/b/c", true);
        row("a/**/b", "a/b", true);
        row("a/**/b", "a/x/y/b", true);
        row("a/**/b", "a/x/y/c", false);
        row("?.txt", "a.txt", true);
        row("?.txt", "ab.txt", false);
        row("[a-c].tmp", "b.tmp", true);
        row("[a-c].tmp", "d.tmp", false);
        row("[!a-c].tmp", "d.tmp", true);
        row("[^a-c].tmp", "a.tmp", false);
        row("[]x].md", "].md", true);
        row("[a", "[a", true); // no closing bracket: an ordinary '['
        row("\\*.md", "*.md", true);
        row("\\*.md", "x.md", false);
        row("docs/**/draft-?.md", "docs/draft-1.md", true);
        row("docs/**/draft-?.md", "docs/a/b/draft-12.md", false);
    }
    void matches() {
        QFETCH(QString, pattern);
        QFETCH(QString, path);
        QFETCH(bool, expected);
        QCOMPARE(GlobPattern(pattern).matches(path), expected);
    }

    void pathologicalPatternsTakeLinearWork() {
        // A backtracking regular expression tries every way to place seven stars: forever.
        const QString as(100'000, QLatin1Char('a'));
        qint64 steps = 0;
        QVERIFY(!GlobPattern(QStringLiteral("*a*a*a*a*a*a*a*b")).matches(as, &steps));
        QVERIFY2(steps <= 4 * as.size(), qPrintable(QString::number(steps)));
        steps = 0;
        QVERIFY(GlobPattern(QStringLiteral("*a*a*a*a*a*a*a*")).matches(as, &steps));
        QVERIFY2(steps <= 4 * as.size(), qPrintable(QString::number(steps)));

        // The same one level up, with "**" between folders.
        const QString deep = QStringList(5000, QStringLiteral("a")).join(QLatin1Char('/'));
        steps = 0;
        QVERIFY(!GlobPattern(QStringLiteral("**/a/**/a/**/a/**/a/**/b")).matches(deep, &steps));
        QVERIFY2(steps <= 4 * 5000, qPrintable(QString::number(steps)));
    }

    void ignoreRulesUseIt() {
        const IgnoreRules rules({QStringLiteral("*a*a*a*a*a*a*a*b"), QStringLiteral("\\!bang"),
                                 QStringLiteral("\\#hash"), QStringLiteral("keep/**"),
                                 QStringLiteral("!keep/this.txt")},
                                QStringLiteral("/r"));
        using V = IgnoreRules::Verdict;
        QCOMPARE(rules.match(QStringLiteral("/r/") + QString(50'000, QLatin1Char('a')), false),
                 V::None);
        QCOMPARE(rules.match(QStringLiteral("/r/sub/aaaaaaaab"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/!bang"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/#hash"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/keep/other.txt"), false), V::Ignore);
        QCOMPARE(rules.match(QStringLiteral("/r/keep/this.txt"), false), V::Keep);
        QCOMPARE(rules.match(QStringLiteral("/r/keep"), true), V::None);
    }
};

QTEST_GUILESS_MAIN(TestGlobPattern)
#include "tst_glob_pattern.moc"
