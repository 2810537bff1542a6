#include "core/ingest/text_normalizer.h"
#include "core/ingest/token_estimator.h"

#include <QtTest>

using namespace quiver;

class TestTextNormalizer : public QObject {
    Q_OBJECT
private slots:
    void composesToNfc() {
        // "e" + combining acute becomes the single code point é.
        const QString decomposed = QStringLiteral("cafe\u0301");
        QCOMPARE(TextNormalizer::normalize(decomposed), QStringLiteral("caf\u00e9"));
    }
    void unifiesLineEndings() {
        QCOMPARE(TextNormalizer::normalize(QStringLiteral("a\r\nb\rc\u2028d")),
                 QStringLiteral("a\nb\nc\nd"));
    }
    void dropsControlCharactersButKeepsTabs() {
        QCOMPARE(TextNormalizer::normalize(QStringLiteral("a\u0001b\u007f\u0085c\td\ufeff")),
                 QStringLiteral("ab\nc\td"));
    }
    void collapsesBlankLinesAndTrailingSpaces() {
        QCOMPARE(TextNormalizer::normalize(QStringLiteral("  x  \n\n\n\n y\t\n")),
                 QStringLiteral("  x\n\n y"));
    }
    void estimatesTokensConservatively() {
        QCOMPARE(TokenEstimator::estimate(u""), 0);
        QCOMPARE(TokenEstimator::estimate(u"the cat"), 2);
        QCOMPARE(TokenEstimator::estimate(u"language"), 2);
        QCOMPARE(TokenEstimator::estimate(u"2026"), 2);
        QCOMPARE(TokenEstimator::estimate(u"a, b."), 4);
        QCOMPARE(TokenEstimator::estimate(u"\u4e2d\u6587"), 2);
        // English prose must estimate above SentencePiece's ~1.3 tokens per word.
        const QString prose = QStringLiteral(
            "Quiver imports your documents, splits them into passages and stores them in "
            "PostgreSQL, where an embedding model turns each passage into a vector.");
        const int words = int(prose.split(QLatin1Char(' ')).size());
        QVERIFY2(TokenEstimator::estimate(prose) >= words * 13 / 10,
                 qPrintable(QString::number(TokenEstimator::estimate(prose))));
    }
};

QTEST_GUILESS_MAIN(TestTextNormalizer)
#include "tst_text_normalizer.moc"
