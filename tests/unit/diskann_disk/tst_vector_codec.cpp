#include "core/diskann/distance.h"
#include "core/diskann/product_quantizer.h"
#include "core/diskann/rotation.h"
#include "core/diskann/vector_codec.h"
#include "test_graph.h"

#include <QTest>

#include <cmath>
#include <functional>
#include <random>

using namespace quiver::diskann;

class TestVectorCodec : public QObject {
    Q_OBJECT

private slots:
    void productMatchesNaive();
    void productRowDoesNotDependOnItsBatch();
    void transposeMatchesNaive();
    void batchRotationMatchesApply();
    void polarFactorRecoversOrthogonalPart();
    void polarFactorOfIllConditionedMatrix();
    void polarFactorOfSingularMatrixIsOrthogonal();
    void learnedRotationIsOrthogonal();
    void highDimensionsGetBalancedPermutation();
    void reconstructionErrorBelowPlainPq();
    void adcEqualsDistanceToDecoded_data();
    void adcEqualsDistanceToDecoded();
    void rejectsInconsistentParts();
};

namespace {

// max |(A A^T)_ij - I_ij| for a row-major dim x dim matrix.
double orthogonalityError(const std::vector<float>& a, std::size_t dim) {
    const std::vector<float> g = linalg::multiplyTransposed(a.data(), dim, a.data(), dim, dim);
    double worst = 0.0;
    for (std::size_t i = 0; i < dim; ++i)
        for (std::size_t j = 0; j < dim; ++j)
            worst = std::max(worst,
                             std::abs(static_cast<double>(g[i * dim + j]) - (i == j ? 1.0 : 0.0)));
    return worst;
}

double meanError(const std::vector<float>& data, std::uint32_t dim,
                 const std::function<void(const float*, float*)>& roundTrip) {
    const std::size_t n = data.size() / dim;
    std::vector<float> decoded(dim);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        roundTrip(data.data() + i * dim, decoded.data());
        total += static_cast<double>(l2Squared(data.data() + i * dim, decoded.data(), dim));
    }
    return total / static_cast<double>(n);
}

std::vector<float> gaussianMatrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<float> m(rows * cols);
    for (float& v : m)
        v = gauss(rng);
    return m;
}

} // namespace

void TestVectorCodec::productMatchesNaive() {
    // Every kernel this CPU has, on shapes off every tile and panel edge (rows of 6, columns of
    // 8/16/32, passes of 256 floats), into a C wider than the product: the extra columns keep
    // their value.
    struct Shape {
        std::size_t n, m, dim;
    };
    const Shape shapes[] = {{1, 1, 1},    {5, 7, 3},     {13, 33, 17},  {6, 32, 256},
                            {7, 31, 513}, {37, 65, 300}, {64, 40, 1000}};
    const std::vector<std::string_view> kernels = linalg::productKernels();
    QVERIFY(!kernels.empty());
    QCOMPARE(kernels.front(), std::string_view("portable"));
    for (std::size_t kernel = 0; kernel < kernels.size(); ++kernel)
        for (const Shape& s : shapes)
            for (const unsigned threads : {1u, 3u}) {
                const std::vector<float> a = gaussianMatrix(s.n, s.dim, s.n + s.dim);
                const std::vector<float> b = gaussianMatrix(s.m, s.dim, s.m * 7 + s.dim);
                const std::size_t ldc = s.m + 3;
                std::vector<float> c(s.n * ldc, -7.0f);
                linalg::multiplyTransposedWith(kernel, a.data(), s.n, b.data(), s.m, s.dim,
                                               c.data(), ldc, threads);
                for (std::size_t i = 0; i < s.n; ++i) {
                    for (std::size_t j = 0; j < s.m; ++j) {
                        double want = 0.0;
                        double scale = 0.0;
                        for (std::size_t d = 0; d < s.dim; ++d) {
                            const double term = static_cast<double>(a[i * s.dim + d]) *
                                                static_cast<double>(b[j * s.dim + d]);
                            want += term;
                            scale += std::abs(term);
                        }
                        const double got = static_cast<double>(c[i * ldc + j]);
                        QVERIFY2(std::abs(got - want) <= 1e-5 * scale + 1e-6,
                                 qPrintable(QString("%1 %2x%3x%4 [%5][%6]: %7 vs %8")
                                                .arg(QString::fromUtf8(
                                                    kernels[kernel].data(),
                                                    static_cast<qsizetype>(kernels[kernel].size())))
                                                .arg(s.n)
                                                .arg(s.m)
                                                .arg(s.dim)
                                                .arg(i)
                                                .arg(j)
                                                .arg(got)
                                                .arg(want)));
                    }
                    for (std::size_t j = s.m; j < ldc; ++j)
                        QCOMPARE(c[i * ldc + j], -7.0f);
                }
            }
}

void TestVectorCodec::productRowDoesNotDependOnItsBatch() {
    // A row's result is the same bits alone, in a batch and on several threads: k-means and
    // the codec may then block their rows however they like.
    const std::size_t n = 50, m = 37, dim = 700;
    const std::vector<float> a = gaussianMatrix(n, dim, 1);
    const std::vector<float> b = gaussianMatrix(m, dim, 2);
    const std::vector<float> all = linalg::multiplyTransposed(a.data(), n, b.data(), m, dim, 3);
    for (const std::size_t row : {std::size_t{0}, std::size_t{7}, std::size_t{49}}) {
        const std::vector<float> one =
            linalg::multiplyTransposed(a.data() + row * dim, 1, b.data(), m, dim);
        for (std::size_t j = 0; j < m; ++j)
            QCOMPARE(one[j], all[row * m + j]);
    }
}

void TestVectorCodec::transposeMatchesNaive() {
    const std::size_t rows = 37, cols = 70;
    const std::vector<float> a = gaussianMatrix(rows, cols, 3);
    const std::vector<float> t = linalg::transpose(a.data(), rows, cols);
    QCOMPARE(t.size(), a.size());
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j)
            QCOMPARE(t[j * rows + i], a[i * cols + j]);
}

void TestVectorCodec::batchRotationMatchesApply() {
    const std::size_t dim = 48, n = 29;
    const Rotation r = Rotation::dense(dim, linalg::randomOrthogonal(dim, 4));
    const std::vector<float> x = gaussianMatrix(n, dim, 5);
    std::vector<float> batch(n * dim), one(dim);
    r.applyBatch(x.data(), n, batch.data(), 2);
    for (std::size_t i = 0; i < n; ++i) {
        r.apply(x.data() + i * dim, one.data());
        for (std::size_t d = 0; d < dim; ++d)
            QVERIFY(std::abs(one[d] - batch[i * dim + d]) < 1e-5f);
    }
}

void TestVectorCodec::polarFactorRecoversOrthogonalPart() {
    // A = Q S with S diagonal positive: the polar factor is Q itself.
    const std::size_t dim = 24;
    const std::vector<float> q = linalg::randomOrthogonal(dim, 3);
    QVERIFY(orthogonalityError(q, dim) < 1e-5);
    std::vector<float> a(q);
    for (std::size_t i = 0; i < dim; ++i)
        for (std::size_t j = 0; j < dim; ++j)
            a[i * dim + j] *= 0.05f + static_cast<float>(j); // condition number ~500
    const std::vector<float> p = linalg::orthogonalPolarFactor(a, dim);
    for (std::size_t i = 0; i < a.size(); ++i)
        QVERIFY2(std::abs(p[i] - q[i]) < 1e-3f, qPrintable(QString::number(i)));
}

void TestVectorCodec::polarFactorOfIllConditionedMatrix() {
    // A = U S V^T with singular values from 1 down to 1e-4 (as OPQ's cross products of data of
    // low intrinsic dimension): the factor is U V^T, orthogonal to float accuracy.
    const std::size_t dim = 96;
    const std::vector<float> u = linalg::randomOrthogonal(dim, 6);
    const std::vector<float> v = linalg::randomOrthogonal(dim, 7);
    std::vector<float> us(u);
    for (std::size_t i = 0; i < dim; ++i)
        for (std::size_t j = 0; j < dim; ++j)
            us[i * dim + j] *= static_cast<float>(
                3.0 * std::pow(1e-4, static_cast<double>(j) / static_cast<double>(dim - 1)));
    const std::vector<float> vt = linalg::transpose(v.data(), dim, dim);
    const std::vector<float> a = linalg::multiplyTransposed(us.data(), dim, vt.data(), dim, dim);
    const std::vector<float> want = linalg::multiplyTransposed(u.data(), dim, vt.data(), dim, dim);
    const std::vector<float> got = linalg::orthogonalPolarFactor(a, dim, 2);
    const double err = orthogonalityError(got, dim);
    QVERIFY2(err < 1e-5, qPrintable(QString::number(err)));
    double worst = 0.0;
    for (std::size_t i = 0; i < got.size(); ++i)
        worst = std::max(worst, static_cast<double>(std::abs(got[i] - want[i])));
    QVERIFY2(worst < 1e-2, qPrintable(QString::number(worst)));
}

void TestVectorCodec::polarFactorOfSingularMatrixIsOrthogonal() {
    // Rank 2 of 8 (as when a sample spans few directions): still an orthogonal result.
    const std::size_t dim = 8;
    std::vector<float> a(dim * dim, 0.0f);
    for (std::size_t j = 0; j < dim; ++j) {
        a[j] = 1.0f + static_cast<float>(j);
        a[dim + j] = static_cast<float>(j % 3) - 1.0f;
    }
    QVERIFY(orthogonalityError(linalg::orthogonalPolarFactor(a, dim), dim) < 1e-5);
}

void TestVectorCodec::learnedRotationIsOrthogonal() {
    const std::uint32_t dim = 40; // 1,500 points: enough for a dense rotation (32 x 40)
    const auto data = test::clusteredData(1500, dim, 12, 21);
    CodecTrainOptions o;
    o.subspaces = 8;
    o.rotationIterations = 3;
    const VectorCodec codec = VectorCodec::train(data.data(), 1500, dim, Metric::L2, o);
    QCOMPARE(codec.rotation().kind(), Rotation::Kind::Dense);
    // Too few points for the matrix to pay for itself: a permutation instead.
    QCOMPARE(VectorCodec::train(data.data(), 1000, dim, Metric::L2, o).rotation().kind(),
             Rotation::Kind::Permutation);
    const double err = orthogonalityError(codec.rotation().matrix(), dim);
    QVERIFY2(err < 1e-4, qPrintable(QString::number(err)));
    // Rotating and rotating back is the identity, and lengths are kept.
    std::vector<float> y(dim), x(dim);
    codec.rotation().apply(data.data(), y.data());
    codec.rotation().applyInverse(y.data(), x.data());
    QVERIFY(l2Squared(x.data(), data.data(), dim) < 1e-6f);
    QVERIFY(std::abs(innerProduct(y.data(), y.data(), dim) -
                     innerProduct(data.data(), data.data(), dim)) < 1e-3f);
}

void TestVectorCodec::highDimensionsGetBalancedPermutation() {
    // Above the learned-rotation limit the sub-spaces are balanced by a permutation: variance
    // concentrated in the first dimensions is dealt to different sub-spaces.
    const std::uint32_t dim = VectorCodec::kMaxLearnedDimension + 8;
    std::vector<float> data = test::clusteredData(300, dim, 4, 5);
    for (std::size_t i = 0; i < 300; ++i)
        for (std::uint32_t d = 0; d < 8; ++d)
            data[i * dim + d] *= 50.0f;
    CodecTrainOptions o;
    o.subspaces = 8;
    o.coarseCentroids = 1;
    o.iterations = 2;
    const VectorCodec codec = VectorCodec::train(data.data(), 300, dim, Metric::L2, o);
    QCOMPARE(codec.rotation().kind(), Rotation::Kind::Permutation);
    const auto& order = codec.rotation().order();
    const auto& offsets = codec.pq().offsets();
    std::vector<int> loudPerSubspace(8, 0);
    for (std::uint32_t m = 0; m < 8; ++m)
        for (std::uint32_t i = offsets[m]; i < offsets[m + 1]; ++i)
            loudPerSubspace[m] += order[i] < 8 ? 1 : 0;
    for (std::uint32_t m = 0; m < 8; ++m)
        QCOMPARE(loudPerSubspace[m], 1);
}

void TestVectorCodec::reconstructionErrorBelowPlainPq() {
    // Clustered data whose clusters differ in every dimension: the same code budget spent on
    // residuals to coarse centroids, in a learned rotation, reconstructs much better.
    const std::uint32_t dim = 64;
    const std::uint32_t n = 4000;
    const auto data = test::clusteredData(n, dim, 40, 8, true);
    const std::uint32_t m = 8;
    const ProductQuantizer pq = ProductQuantizer::train(data.data(), n, dim, m);
    std::vector<std::uint8_t> code(m);
    const double plain = meanError(data, dim, [&](const float* x, float* out) {
        pq.encode(x, code.data());
        pq.decode(code.data(), out);
    });
    CodecTrainOptions o;
    o.subspaces = m;
    o.coarseCentroids = 40;
    const VectorCodec codec = VectorCodec::train(data.data(), n, dim, Metric::L2, o);
    const double coded = meanError(data, dim, [&](const float* x, float* out) {
        const auto terms = codec.encode(x, code.data());
        codec.decode(code.data(), terms.coarse, out);
    });
    CodecTrainOptions rotationOnly = o;
    rotationOnly.coarseCentroids = 1;
    const VectorCodec rotated = VectorCodec::train(data.data(), n, dim, Metric::L2, rotationOnly);
    const double rotatedError = meanError(data, dim, [&](const float* x, float* out) {
        const auto terms = rotated.encode(x, code.data());
        rotated.decode(code.data(), terms.coarse, out);
    });
    qInfo("mean squared error: plain PQ %.5f, OPQ %.5f, OPQ + coarse residuals %.5f", plain,
          rotatedError, coded);
    QVERIFY(rotatedError < plain);
    QVERIFY(coded < 0.5 * plain);
}

void TestVectorCodec::adcEqualsDistanceToDecoded_data() {
    QTest::addColumn<int>("metric");
    QTest::newRow("l2") << int(Metric::L2);
    QTest::newRow("ip") << int(Metric::InnerProduct);
}

void TestVectorCodec::adcEqualsDistanceToDecoded() {
    QFETCH(int, metric);
    const auto m = static_cast<Metric>(metric);
    const std::uint32_t dim = 32;
    const auto data = test::clusteredData(800, dim, 10, 4);
    CodecTrainOptions o;
    o.subspaces = 8;
    o.coarseCentroids = 10;
    o.rotationIterations = 2;
    const VectorCodec codec = VectorCodec::train(data.data(), 800, dim, m, o);
    const auto queries = test::clusteredData(5, dim, 10, 77);
    std::vector<float> table(codec.tableSize()), decoded(dim);
    std::vector<std::uint8_t> code(codec.codeBytes());
    for (int q = 0; q < 5; ++q) {
        const float* query = queries.data() + q * dim;
        codec.computeTable(query, table.data());
        for (int i = 0; i < 800; i += 13) {
            const auto terms = codec.encode(data.data() + i * dim, code.data());
            codec.decode(code.data(), terms.coarse, decoded.data());
            const float want = distanceFunction(m)(query, decoded.data(), dim);
            const float got = codec.distance(table.data(), code.data(), terms);
            QVERIFY2(std::abs(got - want) <= 1e-3f * (1.0f + std::abs(want)),
                     qPrintable(QStringLiteral("%1 vs %2")
                                    .arg(static_cast<double>(got))
                                    .arg(static_cast<double>(want))));
        }
    }
}

void TestVectorCodec::rejectsInconsistentParts() {
    const auto data = test::clusteredData(300, 16, 3, 1);
    const ProductQuantizer pq = ProductQuantizer::train(data.data(), 300, 16, 4);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             VectorCodec(Metric::L2, Rotation::identity(16), 2,
                                         std::vector<float>(16), pq)); // one centroid, not two
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             VectorCodec(Metric::L2, Rotation::identity(8), 1,
                                         std::vector<float>(16), pq)); // dimensions differ
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Rotation::permutation({0, 2, 2}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Rotation::dense(3, std::vector<float>(8)));
}

QTEST_APPLESS_MAIN(TestVectorCodec)
#include "tst_vector_codec.moc"
