#include "core/ingest/chunker.h"
#include "core/ingest/token_estimator.h"

#include <QtTest>

using namespace quiver;

namespace {
QString sentence(int i) {
    return QStringLiteral("Sentence number %1 talks about topic %2 at some length.")
        .arg(i)
        .arg(i % 7);
}
QString paragraphs(int count, int sentencesEach) {
    QStringList ps;
    int n = 0;
    for (int p = 0; p < count; ++p) {
        QStringList ss;
        for (int s = 0; s < sentencesEach; ++s)
            ss.append(sentence(n++));
        ps.append(ss.join(QLatin1Char(' ')));
    }
    return ps.join(QStringLiteral("\n\n"));
}
} // namespace

class TestChunker : public QObject {
    Q_OBJECT
private slots:
    void shortTextIsOneChunk() {
        const Chunker c({128, 16});
        const auto chunks = c.split(QStringLiteral("  Hello world.  "));
        QCOMPARE(chunks.size(), 1);
        QCOMPARE(chunks[0].text, QStringLiteral("Hello world."));
        QCOMPARE(chunks[0].start, 2);
        QCOMPARE(chunks[0].end, 14);
    }
    void emptyTextHasNoChunks() {
        QVERIFY(Chunker({128, 16}).split(QStringLiteral(" \n ")).isEmpty());
    }

    void chunksRespectBudgetAndOffsets() {
        const QString text = paragraphs(12, 5);
        const Chunker c({64, 8});
        const auto chunks = c.split(text);
        QVERIFY(chunks.size() > 5);
        for (const TextChunk& ch : chunks) {
            QCOMPARE(ch.text, text.mid(ch.start, ch.end - ch.start));
            QVERIFY2(ch.tokens <= 64, qPrintable(QString::number(ch.tokens)));
            QCOMPARE(ch.tokens, TokenEstimator::estimate(ch.text));
            QVERIFY(!ch.text.front().isSpace() && !ch.text.back().isSpace());
        }
        // Everything is covered, in order.
        QCOMPARE(chunks.first().start, 0);
        QCOMPARE(chunks.last().end, text.size());
        for (qsizetype i = 1; i < chunks.size(); ++i) {
            QVERIFY(chunks[i].start > chunks[i - 1].start);
            QVERIFY(chunks[i].start <= chunks[i - 1].end + 2); // no text left out
        }
    }
    void prefersParagraphThenSentenceBoundaries() {
        const QString text = paragraphs(6, 3);
        const auto chunks = Chunker({64, 8}).split(text);
        for (const TextChunk& ch : chunks.mid(0, chunks.size() - 1))
            QVERIFY2(ch.text.endsWith(QLatin1Char('.')), qPrintable(ch.text));
    }
    void overlapsWithinAParagraph() {
        QStringList words;
        for (int i = 0; i < 400; ++i)
            words.append(QStringLiteral("word%1").arg(i));
        const QString text = words.join(QLatin1Char(' '));
        const auto chunks = Chunker({40, 8}).split(text);
        QVERIFY(chunks.size() > 3);
        for (qsizetype i = 1; i < chunks.size(); ++i) {
            QVERIFY2(chunks[i].start < chunks[i - 1].end, "consecutive chunks should overlap");
            const int overlapTokens = TokenEstimator::estimate(
                QStringView(text).mid(chunks[i].start, chunks[i - 1].end - chunks[i].start));
            QVERIFY(overlapTokens > 0 && overlapTokens <= 8);
        }
    }
    void cutsOverlongWordsButNotSurrogatePairs() {
        QString blob;
        for (int i = 0; i < 300; ++i)
            blob += QStringLiteral("\U0001F600"); // emoji: surrogate pairs, 1 token each
        const auto chunks = Chunker({32, 0}).split(blob);
        QVERIFY(chunks.size() >= 300 / 32);
        for (const TextChunk& ch : chunks) {
            QVERIFY(ch.tokens <= 32);
            QVERIFY(!ch.text.front().isLowSurrogate());
            QVERIFY(!ch.text.back().isHighSurrogate());
        }
        QCOMPARE(chunks.last().end, blob.size());
    }
    void reservedTokensShrinkTheBudget() {
        const QString text = paragraphs(10, 4);
        const auto plain = Chunker({64, 0}).split(text);
        const auto reserved = Chunker({64, 0}).split(text, 20);
        QVERIFY(reserved.size() > plain.size());
        for (const TextChunk& ch : reserved)
            QVERIFY(ch.tokens <= 44);
    }
};

QTEST_GUILESS_MAIN(TestChunker)
#include "tst_chunker.moc"
