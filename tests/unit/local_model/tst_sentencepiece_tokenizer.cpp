#include "core/embed/local/sentencepiece_tokenizer.h"

#include <QTest>

using quiver::SentencePieceTokenizer;

// The reference tokenizer's rules, each on a small vocabulary where the rule decides the result
// (the golden test covers the real vocabulary). Every expected list was checked against the
// reference implementation given the same vocabulary.
class TestSentencePieceTokenizer : public QObject {
    Q_OBJECT
private slots:
    void encodes_data();
    void encodes();
};

namespace {

// Ids 0-5 are the reserved control pieces; the test pieces start at 6.
SentencePieceTokenizer makeTokenizer(const std::vector<SentencePieceTokenizer::Piece>& pieces) {
    std::vector<SentencePieceTokenizer::Piece> all;
    for (int i = 0; i < 6; ++i)
        all.push_back({QStringLiteral("<%1>").arg(i), 0.0});
    all.insert(all.end(), pieces.begin(), pieces.end());
    return SentencePieceTokenizer(all);
}

const QString kSpace = QString(QChar(0x2581));

} // namespace

void TestSentencePieceTokenizer::encodes_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("ids");
    QTest::newRow("empty") << QString() << QList<int>{};
    // ▁z as one piece (-2) or ▁ then z (-1 + -1): equal, and the later candidate wins.
    QTest::newRow("tie goes to the later piece") << QStringLiteral("z") << QList<int>{6, 14};
    QTest::newRow("best path") << QStringLiteral("xy") << QList<int>{9};
    QTest::newRow("spaces become pieces") << QStringLiteral("x x") << QList<int>{8, 8};
    // Characters no piece starts with are unknown (0, score 0); a run of them is one unknown.
    QTest::newRow("unknowns merge") << QStringLiteral("x??x") << QList<int>{6, 0, 7};
    // An unknown scores 0, better than any piece, so unknown "f" + unknown "i" beat "▁fi"; and
    // stepping back over an unknown steps over piece 0's text ("<0>", 3 characters here, one in
    // the real vocabulary), as the reference does, which swallows the "▁".
    QTest::newRow("unknown beats a piece") << QStringLiteral("fi") << QList<int>{0};
    // NFKC turns the ligature into "fi"; with "f" and "i" known the whole piece wins.
    QTest::newRow("nfkc") << QStringLiteral("\uFB01") << QList<int>{11};
    // "▁dup" appears twice in the vocabulary: the later id.
    QTest::newRow("repeated piece keeps its last id") << QStringLiteral("dup") << QList<int>{13};
}

void TestSentencePieceTokenizer::encodes() {
    QFETCH(QString, text);
    QFETCH(QList<int>, ids);
    std::vector<SentencePieceTokenizer::Piece> pieces = {
        {kSpace, -1.0},                         // 6
        {QStringLiteral("x"), -1.0},            // 7
        {kSpace + QStringLiteral("x"), -1.5},   // 8
        {kSpace + QStringLiteral("xy"), -2.5},  // 9: beats ▁x + y (-1.5 - 3)
        {QStringLiteral("y"), -3.0},            // 10
        {kSpace + QStringLiteral("fi"), -1.0},  // 11
        {kSpace + QStringLiteral("dup"), -0.5}, // 12
        {kSpace + QStringLiteral("dup"), -0.5}, // 13
        {QStringLiteral("z"), -1.0},            // 14
        {kSpace + QStringLiteral("z"), -2.0},   // 15
    };
    if (qstrcmp(QTest::currentDataTag(), "nfkc") == 0) {
        pieces.push_back({QStringLiteral("f"), -5.0});
        pieces.push_back({QStringLiteral("i"), -5.0});
    }
    const SentencePieceTokenizer tokenizer = makeTokenizer(pieces);
    const std::vector<int> got = tokenizer.encode(text);
    QCOMPARE(QList<int>(got.begin(), got.end()), ids);
}

QTEST_GUILESS_MAIN(TestSentencePieceTokenizer)
#include "tst_sentencepiece_tokenizer.moc"
