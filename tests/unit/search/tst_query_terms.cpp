#include "core/search/query_terms.h"

#include <QTest>

using namespace quiver;

class TestQueryTerms : public QObject {
    Q_OBJECT
private slots:
    void termsDropSyntax() {
        QCOMPARE(
            queryTerms(QStringLiteral("\"Wave function\" or Orbits -bread re-entry")),
            (QStringList{QStringLiteral("wave"), QStringLiteral("function"),
                         QStringLiteral("orbits"), QStringLiteral("re"), QStringLiteral("entry")}));
        QCOMPARE(queryTerms(QStringLiteral("Ärger ärger")), QStringList{QStringLiteral("ärger")});
        QVERIFY(queryTerms(QStringLiteral("  -- ")).isEmpty());
    }
    void matchesMarkWholeWordsFromTheirStart() {
        const QString text = QStringLiteral("Planets follow orbits; an orbit's ORBITAL period.");
        const auto m = termMatches(text, {QStringLiteral("orbit")});
        QCOMPARE(m.size(), 3);
        QCOMPARE(text.mid(m[0].first, m[0].second), QStringLiteral("orbits"));
        QCOMPARE(text.mid(m[1].first, m[1].second), QStringLiteral("orbit"));
        QCOMPARE(text.mid(m[2].first, m[2].second), QStringLiteral("ORBITAL"));
        // Not inside a word.
        QVERIFY(termMatches(QStringLiteral("suborbital"), {QStringLiteral("orbit")}).isEmpty());
        QVERIFY(termMatches(text, {}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestQueryTerms)
#include "tst_query_terms.moc"
