#include "core/search/keyword_query.h"

#include <QTest>

using namespace quiver;

namespace {

using Strings = std::vector<std::string>;
using Phrase = std::vector<std::pair<std::string, int>>;

Phrase terms(const KeywordPhrase& p) {
    return p.terms;
}

} // namespace

class TestKeywordQuery : public QObject {
    Q_OBJECT
private slots:
    void plainWordsAreOptionalStemsOnce() {
        TextAnalyzer a;
        const KeywordQuery q =
            parseKeywordQuery(QStringLiteral("Orbits of the planets orbit ORBIT planet"), a);
        QCOMPARE(q.optional, (Strings{"orbit", "planet"}));
        QVERIFY(q.required.empty());
        QVERIFY(q.phrases.empty());
        QVERIFY(q.excluded.empty());
        QVERIFY(q.excludedPhrases.empty());
        QVERIFY(!q.isEmpty());
    }
    void orIsTheDefault() {
        TextAnalyzer none(QStringLiteral("none")); // "or" is no stop word here
        const KeywordQuery q = parseKeywordQuery(QStringLiteral("cats OR dogs or Or birds"), none);
        QCOMPARE(q.optional, (Strings{"cats", "dogs", "birds"}));
        // Inside a phrase it is a word like any other.
        const KeywordQuery p = parseKeywordQuery(QStringLiteral("\"cats or dogs\""), none);
        QCOMPARE(p.phrases.size(), std::size_t{1});
        QCOMPARE(terms(p.phrases[0]), (Phrase{{"cats", 0}, {"or", 1}, {"dogs", 2}}));
    }
    void phrasesKeepTheirGaps() {
        TextAnalyzer a;
        const KeywordQuery q =
            parseKeywordQuery(QStringLiteral("tolkien \"the Lord of the Rings\" lord"), a);
        QCOMPARE(q.phrases.size(), std::size_t{1});
        QCOMPARE(terms(q.phrases[0]), (Phrase{{"lord", 0}, {"ring", 3}}));
        QCOMPARE(q.optional, (Strings{"tolkien", "lord", "ring"}));
        QVERIFY(q.required.empty());
        // The same phrase twice is one phrase; typographic quotes are quotes.
        const KeywordQuery twice =
            parseKeywordQuery(QStringLiteral("“lord of the rings” \"LORDS of the ring\""), a);
        QCOMPARE(twice.phrases.size(), std::size_t{1});
    }
    void requiredAndExcluded() {
        TextAnalyzer a;
        const KeywordQuery q = parseKeywordQuery(
            QStringLiteral("+orbits planets -moons -\"solar wind\" +\"dark matter\""), a);
        QCOMPARE(q.required, (Strings{"orbit"}));
        QCOMPARE(q.optional, (Strings{"orbit", "planet", "dark", "matter"}));
        QCOMPARE(q.excluded, (Strings{"moon"}));
        QCOMPARE(q.excludedPhrases.size(), std::size_t{1});
        QCOMPARE(terms(q.excludedPhrases[0]), (Phrase{{"solar", 0}, {"wind", 1}}));
        QCOMPARE(q.phrases.size(), std::size_t{1});
        QCOMPARE(terms(q.phrases[0]), (Phrase{{"dark", 0}, {"matter", 1}}));
    }
    void unbalancedQuoteRunsToTheEnd() {
        TextAnalyzer a;
        const KeywordQuery q =
            parseKeywordQuery(QStringLiteral("orbit \"elliptical planetary paths"), a);
        QCOMPARE(q.phrases.size(), std::size_t{1});
        QCOMPARE(terms(q.phrases[0]), (Phrase{{"ellipt", 0}, {"planetari", 1}, {"path", 2}}));
        QCOMPARE(q.optional, (Strings{"orbit", "ellipt", "planetari", "path"}));
        // A quote alone is nothing.
        QVERIFY(parseKeywordQuery(QStringLiteral("\""), a).isEmpty());
    }
    void dashesThatAreNotExclusions() {
        TextAnalyzer a;
        for (const QString& text : {QStringLiteral("-- orbit"), QStringLiteral("--orbit"),
                                    QStringLiteral("orbit -"), QStringLiteral("orbit - -")}) {
            const KeywordQuery q = parseKeywordQuery(text, a);
            QCOMPARE(q.optional, (Strings{"orbit"}));
            QVERIFY2(q.excluded.empty(), qPrintable(text));
            QVERIFY(q.excludedPhrases.empty());
        }
        // Inside a word a hyphen joins nothing and excludes nothing.
        const KeywordQuery reentry = parseKeywordQuery(QStringLiteral("re-entry speed"), a);
        QCOMPARE(reentry.optional, (Strings{"re", "entri", "speed"}));
        QVERIFY(reentry.excluded.empty());
        QVERIFY(reentry.phrases.empty());
        // After a quote, not after a space: not a sign either.
        const KeywordQuery afterQuote = parseKeywordQuery(QStringLiteral("\"orbit\"-moon"), a);
        QCOMPARE(afterQuote.optional, (Strings{"orbit", "moon"}));
        QVERIFY(afterQuote.excluded.empty());
    }
    void signedWordsOfSeveralTermsArePhrases() {
        TextAnalyzer a;
        const KeywordQuery q = parseKeywordQuery(QStringLiteral("space -re-entry +e-mail"), a);
        QCOMPARE(q.excludedPhrases.size(), std::size_t{1});
        QCOMPARE(terms(q.excludedPhrases[0]), (Phrase{{"re", 0}, {"entri", 1}}));
        QCOMPARE(q.phrases.size(), std::size_t{1});
        QCOMPARE(terms(q.phrases[0]), (Phrase{{"e", 0}, {"mail", 1}}));
        QCOMPARE(q.optional, (Strings{"space", "e", "mail"}));
        QVERIFY(q.excluded.empty());
    }
    void aOneWordPhraseIsAPhraseOfOne() {
        TextAnalyzer a;
        const KeywordQuery q = parseKeywordQuery(QStringLiteral("\"the orbits\" moon"), a);
        QCOMPARE(q.phrases.size(), std::size_t{1});
        QCOMPARE(terms(q.phrases[0]), (Phrase{{"orbit", 0}}));
        QVERIFY(q.required.empty());
        QCOMPARE(q.optional, (Strings{"orbit", "moon"}));
        const KeywordQuery excluded = parseKeywordQuery(QStringLiteral("moon -\"orbits\""), a);
        QCOMPARE(excluded.excluded, (Strings{"orbit"}));
        QVERIFY(excluded.excludedPhrases.empty());
    }
    void stopWordsAlone() {
        TextAnalyzer a;
        const KeywordQuery phrase = parseKeywordQuery(QStringLiteral("\"of the\" orbit"), a);
        QVERIFY(phrase.phrases.empty());
        QVERIFY(phrase.required.empty());
        QCOMPARE(phrase.optional, (Strings{"orbit"}));
        QVERIFY(parseKeywordQuery(QStringLiteral("which of the \"what does\" +the"), a).isEmpty());
        QVERIFY(parseKeywordQuery(QStringLiteral("   "), a).isEmpty());
        QVERIFY(parseKeywordQuery(QString(), a).isEmpty());
        // Exclusions alone score nothing.
        const KeywordQuery onlyExcluded = parseKeywordQuery(QStringLiteral("-orbit"), a);
        QVERIFY(onlyExcluded.isEmpty());
        QCOMPARE(onlyExcluded.excluded, (Strings{"orbit"}));
    }
};

QTEST_APPLESS_MAIN(TestKeywordQuery)
#include "tst_keyword_query.moc"
