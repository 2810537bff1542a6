#include "core/diskann/distance.h"
#include "core/diskann/product_quantizer.h"
#include "test_graph.h"

#include <QTest>

#include <cmath>

using namespace quiver::diskann;

class TestProductQuantizer : public QObject {
    Q_OBJECT

private slots:
    void reconstructionErrorDecreasesWithM();
    void adcEqualsDistanceToDecoded_data();
    void adcEqualsDistanceToDecoded();
    void unevenSubspaces();
    void batchDistancesMatchSingle();
    void subspacesFromBudget();
    void rejectsInconsistentParts();
};

namespace {

double meanReconstructionError(const ProductQuantizer& pq, const std::vector<float>& data,
                               std::uint32_t dim) {
    const std::size_t n = data.size() / dim;
    std::vector<std::uint8_t> code(pq.subspaces());
    std::vector<float> decoded(dim);
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        pq.encode(data.data() + i * dim, code.data());
        pq.decode(code.data(), decoded.data());
        total += static_cast<double>(l2Squared(data.data() + i * dim, decoded.data(), dim));
    }
    return total / static_cast<double>(n);
}

} // namespace

void TestProductQuantizer::reconstructionErrorDecreasesWithM() {
    const std::uint32_t dim = 32;
    const auto data = test::clusteredData(2000, dim, 20, 11);
    double previous = 1e300;
    for (std::uint32_t m : {2u, 4u, 8u, 16u}) {
        const auto pq = ProductQuantizer::train(data.data(), 2000, dim, m);
        const double err = meanReconstructionError(pq, data, dim);
        QVERIFY2(err < previous * 0.95,
                 qPrintable(QStringLiteral("M=%1 error %2 vs %3").arg(m).arg(err).arg(previous)));
        previous = err;
    }
}

void TestProductQuantizer::adcEqualsDistanceToDecoded_data() {
    QTest::addColumn<int>("metric");
    QTest::newRow("l2") << int(Metric::L2);
    QTest::newRow("ip") << int(Metric::InnerProduct);
    QTest::newRow("cosine") << int(Metric::Cosine);
}

void TestProductQuantizer::adcEqualsDistanceToDecoded() {
    QFETCH(int, metric);
    const auto m = static_cast<Metric>(metric);
    const std::uint32_t dim = 24;
    const auto data = test::clusteredData(600, dim, 8, 5, m == Metric::Cosine);
    const auto pq = ProductQuantizer::train(data.data(), 600, dim, 6);
    const auto queries = test::clusteredData(10, dim, 8, 99, m == Metric::Cosine);
    std::vector<float> table(pq.tableSize());
    std::vector<std::uint8_t> code(pq.subspaces());
    std::vector<float> decoded(dim);
    const DistanceFn exact = distanceFunction(m);
    for (int q = 0; q < 10; ++q) {
        const float* query = queries.data() + q * dim;
        pq.computeTable(query, m, table.data());
        for (int i = 0; i < 600; i += 7) {
            pq.encode(data.data() + i * dim, code.data());
            pq.decode(code.data(), decoded.data());
            const float want = exact(query, decoded.data(), dim);
            const float got = pq.distance(table.data(), code.data());
            QVERIFY2(std::fabs(got - want) <= 1e-4f * std::max(1.0f, std::fabs(want)),
                     qPrintable(QStringLiteral("%1 vs %2")
                                    .arg(static_cast<double>(got))
                                    .arg(static_cast<double>(want))));
        }
    }
}

void TestProductQuantizer::unevenSubspaces() {
    const std::uint32_t dim = 10;
    const auto data = test::clusteredData(400, dim, 4, 3);
    const auto pq = ProductQuantizer::train(data.data(), 400, dim, 3);
    QCOMPARE(pq.subspaces(), 3u);
    QCOMPARE(pq.offsets(), (std::vector<std::uint32_t>{0, 4, 7, 10}));
    // Fewer than 256 points per sub-space: the codebook holds every point exactly.
    const auto small = test::clusteredData(200, dim, 4, 4);
    const auto exactPq = ProductQuantizer::train(small.data(), 200, dim, 3);
    QVERIFY(meanReconstructionError(exactPq, small, dim) < 1e-10);
    // ADC on uneven sub-spaces.
    std::vector<float> table(pq.tableSize());
    std::vector<std::uint8_t> code(3);
    std::vector<float> decoded(dim);
    pq.computeTable(data.data(), Metric::L2, table.data());
    pq.encode(data.data() + 5 * dim, code.data());
    pq.decode(code.data(), decoded.data());
    QVERIFY(std::fabs(pq.distance(table.data(), code.data()) -
                      l2Squared(data.data(), decoded.data(), dim)) < 1e-3f);
}

void TestProductQuantizer::batchDistancesMatchSingle() {
    const std::uint32_t dim = 16;
    const auto data = test::clusteredData(300, dim, 5, 8);
    const auto pq = ProductQuantizer::train(data.data(), 300, dim, 4);
    std::vector<std::uint8_t> codes(300 * 4);
    pq.encodeBatch(data.data(), 300, codes.data(), 2);
    std::vector<std::uint8_t> one(4);
    pq.encode(data.data() + 17 * dim, one.data());
    QVERIFY(std::equal(one.begin(), one.end(), codes.begin() + 17 * 4));
    std::vector<float> table(pq.tableSize());
    pq.computeTable(data.data(), Metric::L2, table.data());
    std::vector<float> batch(299);
    pq.distances(table.data(), codes.data(), 299, batch.data());
    for (int i = 0; i < 299; ++i)
        QCOMPARE(batch[i], pq.distance(table.data(), codes.data() + i * 4));
}

void TestProductQuantizer::subspacesFromBudget() {
    QCOMPARE(ProductQuantizer::subspacesForBudget(128, 0), 32u);
    QCOMPARE(ProductQuantizer::subspacesForBudget(768, 0), 192u);
    QCOMPARE(ProductQuantizer::subspacesForBudget(3072, 0), 256u);
    QCOMPARE(ProductQuantizer::subspacesForBudget(2, 0), 1u);
    QCOMPARE(ProductQuantizer::subspacesForBudget(100, 12), 12u);
    QCOMPARE(ProductQuantizer::subspacesForBudget(8, 64), 8u);
}

void TestProductQuantizer::rejectsInconsistentParts() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             ProductQuantizer(4, {0, 2, 2, 4}, std::vector<float>(1024)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             ProductQuantizer(4, {0, 4}, std::vector<float>(100)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             ProductQuantizer(4, {0, 3}, std::vector<float>(1024)));
}

QTEST_GUILESS_MAIN(TestProductQuantizer)
#include "tst_product_quantizer.moc"
