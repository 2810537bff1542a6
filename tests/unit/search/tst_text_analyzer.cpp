#include "core/search/text_analyzer.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <stdexcept>

using namespace quiver;

namespace {

using Terms = std::vector<std::pair<std::string, int>>;

Terms termsOf(TextAnalyzer& a, const QString& text) {
    Terms out;
    for (const AnalyzedToken& t : a.tokens(text))
        out.emplace_back(t.term, t.position);
    return out;
}

QString spanOf(const QString& text, const AnalyzedToken& t) {
    return text.mid(t.start, t.length);
}

// Ordinary prose with a long tail: mostly the words of a few paragraphs, one word in fifty
// made up (new to the cache, stemmed on first sight), like the rare words of real text.
QString prose(int words) {
    static const QStringList paragraph =
        QStringLiteral(
            "The expedition followed the river north for eleven days before the first snow "
            "closed the pass. Their maps, drawn a century earlier by surveyors who had never "
            "crossed the range, showed a valley where the guides insisted there was only a "
            "glacier. Each evening the leader wrote a careful account of the distances walked, "
            "the weather, the condition of the animals and the arguments that grew more "
            "frequent as the food ran low. Historians who read the journals today are struck by "
            "how generously he judged the men who later abandoned him, and by how little he "
            "wrote about his own illness. When the party finally reached the coast in late "
            "autumn, nine of the twenty three who had set out were still walking; the rest had "
            "turned back, deserted, or were buried beside the trail. The government that had "
            "paid for the journey published a short report praising the discoveries and "
            "omitting the deaths, and the full journals were not printed until 1931.")
            .split(QLatin1Char(' '));
    QString out;
    out.reserve(words * 7);
    quint32 state = 12345;
    for (int i = 0; i < words; ++i) {
        state = state * 1664525U + 1013904223U;
        if (state % 50 == 0) {
            for (int k = 0; k < 7; ++k) // a made-up word
                out += QChar(u'a' + static_cast<char16_t>((state >> (3 * k + 8)) % 26));
            out += QLatin1String("ing ");
        } else {
            out += paragraph.at(i % paragraph.size());
            out += QLatin1Char(' ');
        }
    }
    return out;
}

} // namespace

class TestTextAnalyzer : public QObject {
    Q_OBJECT
private slots:
    void stemsWithSnowballEnglish() {
        TextAnalyzer a;
        QCOMPARE(a.language(), QStringLiteral("english"));
        QCOMPARE(a.term(u"running"), std::string("run"));
        QCOMPARE(a.term(u"expeditions"), std::string("expedit"));
        QCOMPARE(a.term(u"expedition"), std::string("expedit"));
        QCOMPARE(a.term(u"follows"), std::string("follow"));
        QCOMPARE(a.term(u"followed"), std::string("follow"));
        QCOMPARE(a.term(u"generously"), std::string("generous"));
        QCOMPARE(a.term(u"generous"), std::string("generous"));
        QCOMPARE(a.term(u"Orbits"), std::string("orbit"));
        // More than one word is not one term.
        QCOMPARE(a.term(u"re-entry"), std::string());
    }
    void stopWordsAreDroppedButKeepTheirPositions() {
        TextAnalyzer a;
        QCOMPARE(termsOf(a, QStringLiteral("the lord of the rings")),
                 (Terms{{"lord", 1}, {"ring", 4}}));
        std::vector<std::pair<std::string_view, int>> out;
        QCOMPARE(a.analyze(u"the lord of the rings", out), 5);
        QCOMPARE(out.size(), std::size_t{2});
        QCOMPARE(out[1].first, std::string_view("ring"));
        QCOMPARE(out[1].second, 4);
        for (const char16_t* w : {u"which", u"what", u"who", u"how", u"does", u"did", u"The",
                                  u"it's", u"THEIR", u"they’re"})
            QVERIFY2(a.term(w).empty(), qPrintable(QString::fromUtf16(w)));
        // Negations carry the meaning of a question; the nouns among the modals are topics.
        QCOMPARE(a.term(u"not"), std::string("not"));
        QCOMPARE(a.term(u"no"), std::string("no"));
        QCOMPARE(a.term(u"nor"), std::string("nor"));
        QCOMPARE(a.term(u"don't"), std::string("don't"));
        QCOMPARE(a.term(u"will"), std::string("will"));
        QCOMPARE(a.term(u"May"), std::string("may"));
    }
    void foldsCaseAndLatinDiacritics() {
        TextAnalyzer a;
        QCOMPARE(a.term(u"Café"), std::string("cafe"));
        QCOMPARE(a.term(u"cafe\u0301"), std::string("cafe")); // decomposed input
        QCOMPARE(a.term(u"Müller"), std::string("muller"));
        QCOMPARE(a.term(u"naïve"), a.term(u"NAIVE"));
        QCOMPARE(a.term(u"ΣΟΦΙΑ"), a.term(u"σοφια"));
        QCOMPARE(a.term(u"σοφιας"), a.term(u"ΣΟΦΙΑΣ")); // final sigma
        QVERIFY(!a.term(u"σοφια").empty());
        QCOMPARE(a.term(u"Москва"), a.term(u"москва"));
        QVERIFY(!a.term(u"москва").empty());
        QCOMPARE(a.term(u"Straße"), a.term(u"strasse"));
        QCOMPARE(a.term(u"STRAẞE"), a.term(u"strasse"));
        QCOMPARE(a.term(u"ﬁnance"), a.term(u"finance"));
        QCOMPARE(a.term(u"İstanbul"), a.term(u"istanbul"));
        // Marks of other scripts are letters there: Cyrillic й is not и.
        QVERIFY(a.term(u"йод") != a.term(u"иод"));
    }
    void cjkRunsBecomeBigrams() {
        TextAnalyzer a;
        const QString text = QStringLiteral("東京都");
        const auto tokens = a.tokens(text);
        QCOMPARE(tokens.size(), std::size_t{2});
        QCOMPARE(tokens[0].term, QStringLiteral("東京").toStdString());
        QCOMPARE(tokens[1].term, QStringLiteral("京都").toStdString());
        QCOMPARE(tokens[0].position, 0);
        QCOMPARE(tokens[1].position, 1);
        QCOMPARE(spanOf(text, tokens[1]), QStringLiteral("京都"));
        // A lone character is a term; a script change ends the run.
        QCOMPARE(termsOf(a, QStringLiteral("猫 Tokyo東京")),
                 (Terms{{QStringLiteral("猫").toStdString(), 0},
                        {"tokyo", 1},
                        {QStringLiteral("東京").toStdString(), 2}}));
        QCOMPARE(termsOf(a, QStringLiteral("서울특별시")).size(), std::size_t{4});
        QCOMPARE(termsOf(a, QStringLiteral("カタカナ")).size(), std::size_t{3});
        // Thai is written without spaces too; its vowel signs belong to the letter before.
        const QString thai = QStringLiteral("ภาษาไทย ที่");
        const auto t = a.tokens(thai);
        QCOMPARE(t.size(), std::size_t{7});
        QCOMPARE(spanOf(thai, t.back()), QStringLiteral("ที่"));
    }
    void offsetsPointAtTheOriginalText() {
        TextAnalyzer a;
        // Non-ASCII words and an emoji (a surrogate pair) before the token.
        const QString text = QStringLiteral("Größe 🙂 — Müller's ORBITS");
        const auto tokens = a.tokens(text);
        QCOMPARE(tokens.size(), std::size_t{3});
        QCOMPARE(spanOf(text, tokens[0]), QStringLiteral("Größe"));
        QCOMPARE(spanOf(text, tokens[1]), QStringLiteral("Müller's")); // the possessive too
        QCOMPARE(tokens[1].term, std::string("muller"));
        QCOMPARE(tokens[2].start, 20);
        QCOMPARE(spanOf(text, tokens[2]), QStringLiteral("ORBITS"));
        QCOMPARE(tokens[2].term, std::string("orbit"));
        QCOMPARE(tokens[2].position, 2);
        // A character outside the BMP inside a word.
        const QString gothic = QStringLiteral("x𐌰y orbit");
        const auto g = a.tokens(gothic);
        QCOMPARE(g.size(), std::size_t{2});
        QCOMPARE(spanOf(gothic, g[0]), QStringLiteral("x𐌰y"));
        QCOMPARE(spanOf(gothic, g[1]), QStringLiteral("orbit"));
    }
    void apostrophesJoinAndPossessivesGo() {
        TextAnalyzer a;
        QCOMPARE(termsOf(a, QStringLiteral("don't O'Neill's rock’n’roll")),
                 (Terms{{"don't", 0}, {"o'neil", 1}, {"rock'n'rol", 2}}));
        QCOMPARE(a.term(u"don’t"), a.term(u"don't"));
        QCOMPARE(a.term(u"orbit's"), std::string("orbit"));
        QCOMPARE(a.term(u"ORBIT’S"), std::string("orbit"));
        QCOMPARE(a.term(u"1990's"), std::string("1990"));
        // Not between letters: the apostrophe splits.
        QCOMPARE(termsOf(a, QStringLiteral("'quoted' rock'")), (Terms{{"quot", 0}, {"rock", 1}}));
    }
    void punctuationSplitsAndDigitsStay() {
        TextAnalyzer a;
        QCOMPARE(termsOf(a, QStringLiteral("snake_case re-entry 3.5 covid19 2024 e-mails")),
                 (Terms{{"snake", 0},
                        {"case", 1},
                        {"re", 2},
                        {"entri", 3},
                        {"3", 4},
                        {"5", 5},
                        {"covid19", 6},
                        {"2024", 7},
                        {"e", 8},
                        {"mail", 9}}));
        // Invisible format characters inside a word neither split it nor reach the term.
        const QString soft = QStringLiteral("hyphen\u00ADation zero\u200Dwidth x\u200By");
        const auto tokens = a.tokens(soft);
        QCOMPARE(tokens.size(), std::size_t{4});
        QCOMPARE(tokens[0].term, a.term(u"hyphenation"));
        QCOMPARE(tokens[0].length, 12);
        QCOMPARE(tokens[1].term, a.term(u"zerowidth"));
        QCOMPARE(tokens[2].term, std::string("x")); // the zero-width space separates words
        QCOMPARE(tokens[3].term, std::string("y"));
        // Digits skip the stemmer: "runnings2" would otherwise lose its "s".
        QCOMPARE(a.term(u"runnings2"), std::string("runnings2"));
    }
    void longTokensAreDroppedButKeepTheirPositions() {
        TextAnalyzer a;
        const QString kept(64, QLatin1Char('x'));
        const QString hash(65, QLatin1Char('f'));
        QCOMPARE(a.term(kept), kept.toStdString());
        QCOMPARE(termsOf(a, QStringLiteral("orbit ") + hash + QStringLiteral(" orbits")),
                 (Terms{{"orbit", 0}, {"orbit", 2}}));
        // The limit is in bytes of the term: 40 Cyrillic letters are 80 bytes.
        QCOMPARE(a.term(QString(40, QChar(0x0436))), std::string());
        QCOMPARE(a.term(QString(30, QChar(0x0436))).size(), std::size_t{60});
        // 65 letters with diacritics fold to 65 ASCII letters: too long too.
        QCOMPARE(a.term(QString(65, QChar(0x00E9))), std::string());
        QCOMPARE(a.term(QString(64, QChar(0x00E9))), std::string(64, 'e'));
        // A megabyte-long token is one dropped position.
        std::vector<std::pair<std::string_view, int>> out;
        QCOMPARE(a.analyze(QString(1 << 20, QChar(0x00E9)), out), 1);
        QVERIFY(out.empty());
    }
    void otherLanguages() {
        TextAnalyzer none(QStringLiteral("none"));
        QCOMPARE(none.language(), QStringLiteral("none"));
        QCOMPARE(none.term(u"Running"), std::string("running"));
        QCOMPARE(none.term(u"the"), std::string("the")); // no stop words but English's
        QCOMPARE(none.term(u"Café"), std::string("cafe"));
        TextAnalyzer german(QStringLiteral("german"));
        QCOMPARE(german.term(u"the"), std::string("the"));
        QCOMPARE(german.term(u"Häuser"), german.term(u"Haus"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TextAnalyzer(QStringLiteral("klingon")));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TextAnalyzer{QString()});
    }
    void analyzeAgreesWithTokens() {
        TextAnalyzer a;
        const QString text = QStringLiteral("The Müller's orbits: 東京都, don't stop — 3.5% of ") +
                             QString(70, u'z');
        std::vector<std::pair<std::string_view, int>> fast;
        const int positions = a.analyze(text, fast);
        const auto slow = a.tokens(text);
        QCOMPARE(fast.size(), slow.size());
        for (std::size_t i = 0; i < slow.size(); ++i) {
            QCOMPARE(std::string(fast[i].first), slow[i].term);
            QCOMPARE(fast[i].second, slow[i].position);
        }
        // the Müller orbit 東京 京都 don't stop 3 5 of zzz…
        QCOMPARE(positions, 11);
        QCOMPARE(a.analyze(u"", fast), 0);
        QCOMPARE(a.analyze(u" ,;- ", fast), 0);
    }
    void termsOutliveTheCache() {
        TextAnalyzer a;
        std::vector<std::pair<std::string_view, int>> out;
        a.analyze(u"orbits history", out);
        // Enough distinct words to clear the cache at least once.
        QString many;
        for (int i = 0; i < 260000; ++i) {
            for (int v = i; v > 0; v /= 26)
                many += QChar(u'a' + static_cast<char16_t>(v % 26));
            many += QLatin1String("q ");
        }
        const int positions = a.analyze(many, out);
        QCOMPARE(positions, 260000);
        QCOMPARE(out.front().first, std::string_view("orbit"));
        QCOMPARE(out[1].first, std::string_view("histori"));
        QCOMPARE(a.term(u"orbits"), std::string("orbit"));
    }
    void versionIsShortAndStable() {
        const QString v = TextAnalyzer::version();
        QVERIFY(v.startsWith(QLatin1String("1-")));
        QCOMPARE(v.size(), 18);
        QCOMPARE(TextAnalyzer::version(), v);
    }
    // Prints the index-time speed; asserts only what was analysed, never a time.
    void speedOfEnglishProse() {
        const int words = 1'000'000;
        const QString text = prose(words);
        double best = 0;
        std::size_t kept = 0;
        for (int round = 0; round < 3; ++round) {
            TextAnalyzer a; // a cold cache each round
            std::vector<std::pair<std::string_view, int>> out;
            out.reserve(words);
            QElapsedTimer timer;
            timer.start();
            const int positions = a.analyze(text, out);
            const qint64 ns = timer.nsecsElapsed();
            QCOMPARE(positions, words); // one token for each word of the text
            kept = out.size();
            best = std::max(best, positions / (static_cast<double>(ns) / 1e9));
        }
        QVERIFY(kept > static_cast<std::size_t>(words) / 3);
        qInfo("analyze(): %.2f million tokens/s (%zu of the words kept)", best / 1e6, kept);
    }
};

QTEST_APPLESS_MAIN(TestTextAnalyzer)
#include "tst_text_analyzer.moc"
