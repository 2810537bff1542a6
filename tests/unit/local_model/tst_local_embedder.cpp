#include "core/embed/local/local_embedder.h"
#include "tests/unit/local_model/golden_cases.h"

#include <QTest>

#include <cmath>
#include <memory>

using quiver::LocalEmbedder;

// The local model against the reference implementation's golden vectors, and the embedder's own
// promises: windows for long texts, determinism over threads, cancellation.
class TestLocalEmbedder : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void reportsItsModel();
    void tokenIdsMatchTheReference();
    void vectorsMatchTheReference();
    void truncatedReferenceMatchesFirstWindow();
    void longTextIsTheMeanOfItsWindows();
    void vectorsAreUnitLength();
    void resultsDoNotDependOnThreadsOrBatch();
    void emptyListGivesNoVectors();
    void cancelledCallThrows();
    void paraphrasesAreCloserThanUnrelatedTexts();

private:
    std::unique_ptr<LocalEmbedder> m_embedder;
    std::vector<GoldenCase> m_cases;
};

void TestLocalEmbedder::initTestCase() {
    m_embedder = std::make_unique<LocalEmbedder>();
    m_cases = loadGoldenCases();
}

void TestLocalEmbedder::reportsItsModel() {
    QCOMPARE(m_embedder->modelId(), QStringLiteral("use-lite-0.2.0"));
    QCOMPARE(m_embedder->dimensions(), 512);
    QVERIFY(LocalEmbedder::displayName().startsWith(QStringLiteral("On this computer")));
    QVERIFY(m_embedder->threads() >= 1);
}

void TestLocalEmbedder::tokenIdsMatchTheReference() {
    int mismatches = 0;
    for (const GoldenCase& c : m_cases) {
        const std::vector<int> ids = m_embedder->tokenize(c.text);
        if (ids != c.ids) {
            ++mismatches;
            qWarning() << "token ids differ for" << c.text << "got"
                       << QList<int>(ids.begin(), ids.end()) << "expected"
                       << QList<int>(c.ids.begin(), c.ids.end());
        }
    }
    QCOMPARE(mismatches, 0);
}

void TestLocalEmbedder::vectorsMatchTheReference() {
    QStringList texts;
    std::vector<const GoldenCase*> within;
    for (const GoldenCase& c : m_cases)
        if (!c.truncated) {
            texts << c.text;
            within.push_back(&c);
        }
    QVERIFY(within.size() >= 30);
    const std::vector<std::vector<float>> vectors = m_embedder->embed(texts);
    QCOMPARE(vectors.size(), within.size());
    double worst = 1.0;
    float largestDifference = 0;
    for (std::size_t i = 0; i < within.size(); ++i) {
        QCOMPARE(vectors[i].size(), std::size_t{512});
        const double cos = cosine(vectors[i], within[i]->vector);
        if (cos < 0.9999)
            qWarning() << "cosine" << cos << "for" << within[i]->text;
        worst = std::min(worst, cos);
        for (std::size_t d = 0; d < 512; ++d)
            largestDifference =
                std::max(largestDifference, std::abs(vectors[i][d] - within[i]->vector[d]));
    }
    qInfo("%zu texts: worst cosine to the reference 1 - %.2g, largest difference %.2g",
          within.size(), 1.0 - worst, static_cast<double>(largestDifference));
    QVERIFY(worst >= 0.9999);
    QVERIFY(largestDifference < 1e-4f);
}

void TestLocalEmbedder::truncatedReferenceMatchesFirstWindow() {
    int checked = 0;
    for (const GoldenCase& c : m_cases) {
        if (!c.truncated)
            continue;
        QVERIFY(c.ids.size() > 128);
        const std::vector<std::vector<int>> first = {
            std::vector<int>(c.ids.begin(), c.ids.begin() + 128)};
        QVERIFY(cosine(m_embedder->embedTokens(first)[0], c.vector) >= 0.9999);
        ++checked;
    }
    QVERIFY(checked > 0);
}

void TestLocalEmbedder::longTextIsTheMeanOfItsWindows() {
    const GoldenCase* longCase = nullptr;
    for (const GoldenCase& c : m_cases)
        if (c.truncated)
            longCase = &c;
    QVERIFY(longCase);
    const std::vector<int>& ids = longCase->ids;
    // Windows of 128 every 96 tokens, the last one ending at the end.
    std::vector<std::vector<int>> windows;
    for (std::size_t start = 0;; start += 96) {
        start = std::min(start, ids.size() - 128);
        windows.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(start),
                             ids.begin() + static_cast<std::ptrdiff_t>(start + 128));
        if (start + 128 == ids.size())
            break;
    }
    QVERIFY(windows.size() >= 4);
    const auto windowVectors = m_embedder->embedTokens(windows);
    std::vector<float> mean(512, 0.0f);
    for (const auto& v : windowVectors)
        for (int d = 0; d < 512; ++d)
            mean[static_cast<std::size_t>(d)] += v[static_cast<std::size_t>(d)];
    const std::vector<float> whole = m_embedder->embed({longCase->text})[0];
    QVERIFY(cosine(whole, mean) > 0.999999);
    // Not just the first window: the rest of the text counts.
    QVERIFY(cosine(whole, windowVectors.front()) < 0.9999);
}

void TestLocalEmbedder::vectorsAreUnitLength() {
    QStringList texts;
    for (const GoldenCase& c : m_cases)
        texts << c.text;
    for (const std::vector<float>& v : m_embedder->embed(texts)) {
        double norm = 0;
        for (const float x : v) {
            QVERIFY(std::isfinite(x));
            norm += static_cast<double>(x) * static_cast<double>(x);
        }
        QVERIFY(std::abs(std::sqrt(norm) - 1.0) < 1e-5);
    }
}

void TestLocalEmbedder::resultsDoNotDependOnThreadsOrBatch() {
    QStringList texts;
    for (int round = 0; round < 2; ++round)
        for (const GoldenCase& c : m_cases)
            texts << c.text + QStringLiteral(" (%1)").arg(round);
    LocalEmbedder::Options one;
    one.threads = 1;
    one.verifyChecksums = false;
    LocalEmbedder::Options three = one;
    three.threads = 3;
    const auto a = LocalEmbedder(one).embed(texts);
    const auto b = LocalEmbedder(three).embed(texts);
    QCOMPARE(a.size(), static_cast<std::size_t>(texts.size()));
    QVERIFY(a == b); // bit for bit
    QVERIFY(m_embedder->embed(texts) == a);
    // Alone, a text gets the same vector up to rounding.
    const auto alone = m_embedder->embed({texts[5]});
    QVERIFY(cosine(alone[0], a[5]) > 0.999999);
}

void TestLocalEmbedder::emptyListGivesNoVectors() {
    QVERIFY(m_embedder->embed({}).empty());
}

void TestLocalEmbedder::cancelledCallThrows() {
    quiver::CancelToken cancel;
    cancel.cancel();
    try {
        m_embedder->embed({QStringLiteral("never embedded")}, cancel);
        QFAIL("a cancelled call returned");
    } catch (const quiver::EmbedError& e) {
        QCOMPARE(e.kind(), quiver::EmbedError::Kind::Cancelled);
    }
}

void TestLocalEmbedder::paraphrasesAreCloserThanUnrelatedTexts() {
    const auto v = m_embedder->embed({QStringLiteral("How do I reset my password?"),
                                      QStringLiteral("I forgot my login credentials."),
                                      QStringLiteral("The cat sat on the mat."),
                                      QStringLiteral("A kitten was lying on a rug."),
                                      QStringLiteral("Quarterly revenue grew strongly.")});
    QVERIFY(cosine(v[0], v[1]) > 0.4);
    QVERIFY(cosine(v[2], v[3]) > 0.6);
    QVERIFY(cosine(v[0], v[4]) < 0.25);
    QVERIFY(cosine(v[2], v[4]) < 0.25);
}

QTEST_GUILESS_MAIN(TestLocalEmbedder)
#include "tst_local_embedder.moc"
