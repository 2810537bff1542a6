#include "core/search/query_terms.h"

#include <QTest>

using namespace quiver;

namespace {

QStringList marked(const QString& text, const QList<QPair<int, int>>& spans) {
    QStringList out;
    for (const auto& [start, length] : spans)
        out.append(text.mid(start, length));
    return out;
}

} // namespace

class TestQueryTerms : public QObject {
    Q_OBJECT
private slots:
    void termsAreThePositiveStems() {
        TextAnalyzer a;
        QCOMPARE(highlightTerms(QStringLiteral("\"Wave functions\" or Orbits -bread re-entry"), a),
                 (QSet<QString>{QStringLiteral("wave"), QStringLiteral("function"),
                                QStringLiteral("orbit"), QStringLiteral("re"),
                                QStringLiteral("entri")}));
        QCOMPARE(highlightTerms(QStringLiteral("Ärger ärger +Orbit"), a),
                 (QSet<QString>{QStringLiteral("arger"), QStringLiteral("orbit")}));
        QVERIFY(highlightTerms(QStringLiteral("  -- the of "), a).isEmpty());
    }
    void stopWordsAndPrefixesAreNotMarked() {
        TextAnalyzer a;
        const QString text = QStringLiteral("Their orbits, the orbit's history");
        const auto terms = highlightTerms(QStringLiteral("the history of their orbits"), a);
        QCOMPARE(terms, (QSet<QString>{QStringLiteral("histori"), QStringLiteral("orbit")}));
        const auto spans = highlightMatches(text, terms, a);
        // The possessive is marked with its word, as written.
        QCOMPARE(marked(text, spans),
                 (QStringList{QStringLiteral("orbits"), QStringLiteral("orbit's"),
                              QStringLiteral("history")}));
        QCOMPARE(spans.front(), (QPair<int, int>{6, 6}));
        // A word that merely starts like a term is another word.
        QVERIFY(highlightMatches(QStringLiteral("suborbital theirs"), terms, a).isEmpty());
        QVERIFY(highlightMatches(text, {}, a).isEmpty());
    }
    void matchesFoldedWords() {
        TextAnalyzer a;
        const QString text = QStringLiteral("Le CAFÉ de la Straße: cafés");
        const auto terms = highlightTerms(QStringLiteral("cafe strasse"), a);
        QCOMPARE(marked(text, highlightMatches(text, terms, a)),
                 (QStringList{QStringLiteral("CAFÉ"), QStringLiteral("Straße"),
                              QStringLiteral("cafés")}));
    }
    void overlappingBigramsMergeIntoOneSpan() {
        TextAnalyzer a;
        const QString text = QStringLiteral("私は東京都に住む。京都も");
        const auto terms = highlightTerms(QStringLiteral("東京都"), a);
        QCOMPARE(terms.size(), 2);
        const auto spans = highlightMatches(text, terms, a);
        QCOMPARE(marked(text, spans),
                 (QStringList{QStringLiteral("東京都"), QStringLiteral("京都")}));
        for (qsizetype i = 1; i < spans.size(); ++i)
            QVERIFY(spans[i].first >= spans[i - 1].first + spans[i - 1].second);
    }
};

QTEST_APPLESS_MAIN(TestQueryTerms)
#include "tst_query_terms.moc"
