#include "core/embed/lexical_embedder.h"

#include <QTest>

#include <cmath>

using quiver::CancelToken;
using quiver::EmbedError;
using quiver::LexicalEmbedder;

namespace {
double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += static_cast<double>(a[i]) * static_cast<double>(b[i]);
    return s;
}
} // namespace

class TestLexicalEmbedder : public QObject {
    Q_OBJECT
private slots:
    void unitLengthAndDimensions_data();
    void unitLengthAndDimensions();
    void deterministicAcrossInstances();
    void sharedWordsScoreHigher();
    void caseAndPunctuationDoNotMatter();
    void repeatedWordsAreDampened();
    void modelIdNamesTheDimensions();
    void cancellationIsHonoured();
};

void TestLexicalEmbedder::unitLengthAndDimensions_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("punctuation only") << QStringLiteral("?!… --");
    QTest::newRow("word") << QStringLiteral("hello");
    QTest::newRow("sentence") << QStringLiteral("The quick brown fox jumps over the lazy dog.");
    QTest::newRow("non-latin") << QStringLiteral("Привет, мир! 日本語のテキスト 😀");
}

void TestLexicalEmbedder::unitLengthAndDimensions() {
    QFETCH(QString, text);
    LexicalEmbedder e(256);
    const auto v = e.embed({text}).front();
    QCOMPARE(v.size(), std::size_t{256});
    QVERIFY(std::abs(dot(v, v) - 1.0) < 1e-5);
    for (float x : v)
        QVERIFY(std::isfinite(x));
}

void TestLexicalEmbedder::deterministicAcrossInstances() {
    const QString text = QStringLiteral("PostgreSQL stores the embeddings as real arrays");
    const auto a = LexicalEmbedder(1024).embedOne(text);
    const auto b = LexicalEmbedder(1024).embed({QStringLiteral("other"), text})[1];
    QCOMPARE(a, b);
}

void TestLexicalEmbedder::sharedWordsScoreHigher() {
    LexicalEmbedder e(1024);
    const auto q = e.embedOne(QStringLiteral("how do I reset my password"));
    const auto near = e.embedOne(QStringLiteral("To reset a forgotten password, open Settings"));
    const auto far = e.embedOne(QStringLiteral("The cat sat on the mat in the afternoon sun"));
    QVERIFY2(dot(q, near) > dot(q, far) + 0.1,
             qPrintable(QStringLiteral("%1 vs %2").arg(dot(q, near)).arg(dot(q, far))));
    // Word pieces count too: "embedding" and "embeddings" share most trigrams.
    const auto a = e.embedOne(QStringLiteral("embedding"));
    const auto b = e.embedOne(QStringLiteral("embeddings"));
    const auto c = e.embedOne(QStringLiteral("quarterly"));
    QVERIFY(dot(a, b) > 0.5);
    QVERIFY(dot(a, b) > dot(a, c) + 0.3);
}

void TestLexicalEmbedder::caseAndPunctuationDoNotMatter() {
    LexicalEmbedder e(512);
    QCOMPARE(e.embedOne(QStringLiteral("Hello, World!")),
             e.embedOne(QStringLiteral("hello world")));
    QCOMPARE(e.embedOne(QStringLiteral("ÄPFEL")), e.embedOne(QStringLiteral("äpfel")));
}

void TestLexicalEmbedder::repeatedWordsAreDampened() {
    LexicalEmbedder e(1024);
    const auto once = e.embedOne(QStringLiteral("spam eggs"));
    const auto many = e.embedOne(QStringLiteral("spam spam spam spam spam spam spam spam eggs"));
    const auto eggs = e.embedOne(QStringLiteral("eggs"));
    // With raw counts "eggs" would nearly vanish from the second text; sublinear weights keep it.
    QVERIFY(dot(many, eggs) > 0.25);
    QVERIFY(dot(once, many) > 0.8);
}

void TestLexicalEmbedder::modelIdNamesTheDimensions() {
    QCOMPARE(LexicalEmbedder(384).modelId(), QStringLiteral("lexical-v1-384"));
    QCOMPARE(LexicalEmbedder(384).dimensions(), 384);
}

void TestLexicalEmbedder::cancellationIsHonoured() {
    CancelToken cancel;
    cancel.cancel();
    LexicalEmbedder e;
    try {
        e.embed({QStringLiteral("a")}, cancel);
        QFAIL("not cancelled");
    } catch (const EmbedError& error) {
        QCOMPARE(error.kind(), EmbedError::Kind::Cancelled);
    }
}

QTEST_GUILESS_MAIN(TestLexicalEmbedder)
#include "tst_lexical_embedder.moc"
