#include "core/diskann/bf16_distance.h"
#include "core/diskann/distance.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace quiver::diskann;

class TstDistance : public QObject {
    Q_OBJECT

private slots:
    void everyKernelMatchesScalar();
    void widestKernelIsDispatched();
    void metricsAreSmallerIsCloser();
    void normalizeMakesUnitLength();
    void metricNamesRoundTrip();
    void bf16RoundsToNearestEven();
    void bf16KernelsMatchScalar();
};

namespace {
std::vector<float> randomVector(std::mt19937& rng, std::size_t n) {
    std::uniform_real_distribution<float> u(-2.0f, 2.0f);
    std::vector<float> v(n);
    for (auto& x : v)
        x = u(rng);
    return v;
}

bool close(float a, float b, float scale) {
    return std::abs(a - b) <= 1e-5f * std::max(1.0f, scale);
}
} // namespace

void TstDistance::everyKernelMatchesScalar() {
    const auto kernels = availableKernels();
    QCOMPARE(std::string(kernels.front().name), std::string("scalar"));
#if defined(__x86_64__)
    __builtin_cpu_init();
    bool hasAvx512 = false;
    bool hasAvx2 = false;
    for (const auto& k : kernels) {
        hasAvx512 |= std::string(k.name) == "avx512";
        hasAvx2 |= std::string(k.name) == "avx2";
    }
    QCOMPARE(hasAvx512, __builtin_cpu_supports("avx512f") != 0);
    QCOMPARE(hasAvx2, __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0);
#endif
    std::mt19937 rng(7);
    const std::size_t dims[] = {1,   2,    3,    5,    7,    8,    9,    15,  16,  17,
                                31,  32,   33,   47,   63,   64,   65,   96,  100, 127,
                                128, 129,  255,  256,  257,  384,  511,  512, 513, 768,
                                769, 1000, 1023, 1024, 1536, 2048, 3071, 3072};
    for (const std::size_t dim : dims) {
        // One float of offset makes every row misaligned, as rows of a caller's buffer may be.
        const auto a = randomVector(rng, dim + 1);
        const auto b = randomVector(rng, dim + 1);
        for (const std::size_t offset : {std::size_t{0}, std::size_t{1}}) {
            const float* pa = a.data() + offset;
            const float* pb = b.data() + offset;
            const float l2 = scalar::l2Squared(pa, pb, dim);
            const float ip = scalar::innerProduct(pa, pb, dim);
            float absIp = 0.0f;
            for (std::size_t i = 0; i < dim; ++i)
                absIp += std::abs(pa[i] * pb[i]);
            for (const auto& k : kernels) {
                const QByteArray what =
                    QByteArray(k.name) + " dim " + QByteArray::number(static_cast<qulonglong>(dim));
                QVERIFY2(close(k.l2Squared(pa, pb, dim), l2, l2), what.constData());
                QVERIFY2(close(k.innerProduct(pa, pb, dim), ip, absIp), what.constData());
                QVERIFY2(close(k.negatedInnerProduct(pa, pb, dim), -ip, absIp), what.constData());
            }
        }
    }
}

void TstDistance::widestKernelIsDispatched() {
    const auto kernels = availableKernels();
    QCOMPARE(std::string(activeKernels().name), std::string(kernels.back().name));
    std::mt19937 rng(3);
    const auto a = randomVector(rng, 77);
    const auto b = randomVector(rng, 77);
    QCOMPARE(l2Squared(a.data(), b.data(), 77), kernels.back().l2Squared(a.data(), b.data(), 77));
    QCOMPARE(innerProduct(a.data(), b.data(), 77),
             kernels.back().innerProduct(a.data(), b.data(), 77));
}

void TstDistance::metricsAreSmallerIsCloser() {
    const std::vector<float> q{1.0f, 0.0f, 0.0f};
    const std::vector<float> near{0.9f, 0.1f, 0.0f};
    const std::vector<float> far{-1.0f, 0.0f, 0.5f};
    for (const Metric m : {Metric::L2, Metric::InnerProduct, Metric::Cosine}) {
        const DistanceFn f = distanceFunction(m);
        QVERIFY(f(q.data(), near.data(), 3) < f(q.data(), far.data(), 3));
    }
    QCOMPARE(distanceFunction(Metric::L2)(q.data(), far.data(), 3), 4.25f);
    QCOMPARE(distanceFunction(Metric::InnerProduct)(q.data(), far.data(), 3), 1.0f);
    QCOMPARE(distanceFunction(Metric::Cosine)(q.data(), near.data(), 3), -0.9f);
}

void TstDistance::normalizeMakesUnitLength() {
    std::mt19937 rng(11);
    for (const std::size_t dim :
         {std::size_t{1}, std::size_t{3}, std::size_t{128}, std::size_t{771}, std::size_t{3072}}) {
        auto v = randomVector(rng, dim);
        normalize(v.data(), dim);
        QVERIFY(std::abs(scalar::innerProduct(v.data(), v.data(), dim) - 1.0f) < 1e-4f);
    }
    std::vector<float> zero(5, 0.0f);
    normalize(zero.data(), zero.size());
    for (const float x : zero)
        QCOMPARE(x, 0.0f);
    std::vector<float> v{3.0f, 4.0f};
    normalize(v.data(), 2);
    QVERIFY(std::abs(v[0] - 0.6f) < 1e-6f);
    QVERIFY(std::abs(v[1] - 0.8f) < 1e-6f);
}

void TstDistance::metricNamesRoundTrip() {
    for (const Metric m : {Metric::L2, Metric::InnerProduct, Metric::Cosine})
        QCOMPARE(metricFromName(metricName(m)), std::optional<Metric>(m));
    QVERIFY(!metricFromName("hamming").has_value());
}

void TstDistance::bf16RoundsToNearestEven() {
    // Values with at most 8 significant bits survive exactly.
    for (const float v : {0.0f, 1.0f, -2.5f, 0.015625f, 255.0f, 0x1p100f, -0x1.8p-100f})
        QCOMPARE(fromBf16(toBf16(v)), v);
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1).
    QCOMPARE(fromBf16(toBf16(1.0f + 0.00390625f)), 1.0f);
    // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: the even one is 1 + 2^-6.
    QCOMPARE(fromBf16(toBf16(1.0f + 3.0f * 0.00390625f)), 1.0f + 0.015625f);
    // Just above halfway rounds up.
    QCOMPARE(fromBf16(toBf16(1.0f + 0.0040f)), 1.0f + 0.0078125f);
    // Relative error at most 2^-8 (half the spacing of 8 significant bits) anywhere in range.
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1000.0f, 1000.0f);
    for (int i = 0; i < 10000; ++i) {
        const float v = u(rng);
        QVERIFY(std::abs(fromBf16(toBf16(v)) - v) <= std::abs(v) * 0.00390625f);
    }
}

void TstDistance::bf16KernelsMatchScalar() {
    const auto kernels = availableBf16Kernels();
    QCOMPARE(std::string(kernels.front().name), std::string("scalar"));
    std::mt19937 rng(11);
    for (const std::size_t dim :
         {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{15}, std::size_t{16},
          std::size_t{17}, std::size_t{31}, std::size_t{33}, std::size_t{100}, std::size_t{256},
          std::size_t{257}, std::size_t{768}, std::size_t{4096}}) {
        const auto q = randomVector(rng, dim + 1);
        const auto x = randomVector(rng, dim + 1);
        std::vector<std::uint16_t> row(dim + 1);
        toBf16(x.data(), row.data(), dim + 1);
        std::vector<float> rounded(dim + 1);
        for (std::size_t i = 0; i <= dim; ++i)
            rounded[i] = fromBf16(row[i]);
        for (const std::size_t offset : {std::size_t{0}, std::size_t{1}}) {
            const float* pq = q.data() + offset;
            const std::uint16_t* pr = row.data() + offset;
            // The scalar bf16 kernel is the float kernel over the rounded row.
            const float l2 = scalar::l2Squared(pq, rounded.data() + offset, dim);
            const float ip = scalar::innerProduct(pq, rounded.data() + offset, dim);
            float absIp = 0.0f;
            for (std::size_t i = 0; i < dim; ++i)
                absIp += std::abs(pq[i] * rounded[offset + i]);
            for (const auto& k : kernels) {
                const QByteArray what = QByteArray(k.name) + " bf16 dim " +
                                        QByteArray::number(static_cast<qulonglong>(dim));
                QVERIFY2(close(k.l2Squared(pq, pr, dim), l2, l2), what.constData());
                QVERIFY2(close(k.innerProduct(pq, pr, dim), ip, absIp), what.constData());
                QVERIFY2(close(k.negatedInnerProduct(pq, pr, dim), -ip, absIp), what.constData());
            }
        }
    }
#if defined(__x86_64__)
    __builtin_cpu_init();
    QCOMPARE(bf16DistanceFunction(Metric::L2) != nullptr,
             __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0);
#endif
}

QTEST_GUILESS_MAIN(TstDistance)
#include "tst_distance.moc"
