// How the disk index reads its file: direct I/O beside cached reads, io_uring beside one pread
// after another. Every combination must return the same hits and the same statistics.
#include "core/diskann/aligned_buffer.h"
#include "core/diskann/disk_index.h"
#include "core/diskann/disk_index_error.h"
#include "core/diskann/disk_index_writer.h"
#include "core/diskann/file_reader.h"
#include "core/diskann/read_pipeline.h"
#include "core/diskann/read_queue.h"
#include "test_graph.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <random>
#include <unordered_set>

#ifdef __linux__
#include <cerrno>
#include <cstddef>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#include <stdexcept>
#include <thread>

using namespace quiver::diskann;

class TestDiskIndexIo : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void defaultOpenIsCachedAndParallel();
    void directIoGivesSameResultsAsCached_data();
    void directIoGivesSameResultsAsCached();
    void ioUringAndSequentialGiveSameResultsAndStats();
    void concurrentThreadsEachUseTheirOwnQueue();
    void refusedDirectIoFallsBackToCached();
    void directReaderReadsUnalignedRanges();
    void readQueueCompletesEveryRequestOnce_data();
    void readQueueCompletesEveryRequestOnce();
    void readQueueWaitsForReadsBeforeThrowing_data();
    void readQueueWaitsForReadsBeforeThrowing();
    void damagedNodeIsReportedThroughEitherEngine();
    void pipelineCompletesEveryReadOnce_data();
    void pipelineCompletesEveryReadOnce();
    void abandonedPipelineWaitsForItsReads_data();
    void abandonedPipelineWaitsForItsReads();
    void pipelinedWithOneReadMatchesRounds_data();
    void pipelinedWithOneReadMatchesRounds();
    void pipelinedIsTheSameThroughEitherEngine();
    void damagedNodeFailsPipelinedSearchCleanly();
    void refusedRingFallsBackToSequentialReads();

private:
    std::string path(const char* name) const {
        return dir_.filePath(QLatin1String(name)).toStdString();
    }
    // Under the build tree, not /tmp: /tmp may be tmpfs, where direct I/O means nothing.
    QTemporaryDir dir_{QDir::currentPath() + QStringLiteral("/disk-io-XXXXXX")};
};

namespace {

constexpr std::uint32_t kDim = 48;
constexpr std::uint32_t kCount = 2000;

bool sameHits(const std::vector<SearchResult>& a, const std::vector<SearchResult>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].id != b[i].id || a[i].distance != b[i].distance)
            return false;
    return true;
}

bool sameStats(const SearchStats& a, const SearchStats& b) {
    return a.sectorsRead == b.sectorsRead && a.nodesRead == b.nodesRead &&
           a.cacheHits == b.cacheHits && a.rounds == b.rounds;
}

// The same nodes read, from the file or the cache. (Rounds differ between engines under the
// pipelined strategy: a ring may report several completions per wait.)
bool sameReads(const SearchStats& a, const SearchStats& b) {
    return a.sectorsRead == b.sectorsRead && a.nodesRead == b.nodesRead &&
           a.cacheHits == b.cacheHits;
}

std::vector<float> queries(std::uint32_t n, std::uint32_t dim) {
    auto all = test::clusteredData(kCount + n, dim, 16, 21);
    return {all.end() - static_cast<std::ptrdiff_t>(std::size_t{n} * dim), all.end()};
}

// One graph for the whole file, labelled so the label scan path is read too: label 5 on every
// 40th point (rare: scanned), label 6 on every other point (common: graph search).
const test::TestGraph& graph() {
    static const test::TestGraph g = [] {
        auto data = test::clusteredData(kCount, kDim, 16, 21);
        auto built = test::buildTestGraph(std::move(data), kDim, Metric::L2, 24);
        built.labels.assign(built.count, {});
        for (std::uint32_t i = 0; i < built.count; ++i) {
            if (i % 40 == 0)
                built.labels[i].push_back(5);
            if (i % 2 == 0)
                built.labels[i].push_back(6);
        }
        return built;
    }();
    return g;
}

std::string engineOnLinux() {
#ifdef __linux__
    return "io_uring";
#else
    return "pread";
#endif
}

} // namespace

void TestDiskIndexIo::initTestCase() {
    QVERIFY(dir_.isValid());
    DiskIndexBuildOptions o;
    o.pqBytes = 8;
    o.cacheNodes = 32;
    writeDiskIndex(path("index.qdx"), graph().view(), o);
}

void TestDiskIndexIo::defaultOpenIsCachedAndParallel() {
    const auto index = DiskIndex::open(path("index.qdx"));
    const IndexInfo info = index->info();
    QVERIFY(!info.directIo);
    QVERIFY(info.directIoFallback.empty());
    // Where the kernel refuses a ring (io_uring disabled, a seccomp filter) the sequential path
    // is the documented fallback; either way the engine is named.
    QVERIFY2(info.readEngine == engineOnLinux() || info.readEngine == "pread",
             info.readEngine.c_str());
    qInfo("read engine on this machine: %s", info.readEngine.c_str());
    const auto sequential = DiskIndex::open(path("index.qdx"), {.parallelReads = false});
    QCOMPARE(QString::fromStdString(sequential->info().readEngine), QStringLiteral("pread"));
}

void TestDiskIndexIo::directIoGivesSameResultsAsCached_data() {
    QTest::addColumn<bool>("parallel");
    QTest::newRow("io_uring") << true;
    QTest::newRow("pread") << false;
}

void TestDiskIndexIo::directIoGivesSameResultsAsCached() {
    QFETCH(bool, parallel);
    const auto cached = DiskIndex::open(path("index.qdx"), {.parallelReads = false});
    const auto direct =
        DiskIndex::open(path("index.qdx"), {.directIo = true, .parallelReads = parallel});
    const IndexInfo info = direct->info();
    // Direct I/O is in effect, or the file system refused it and says so.
    QVERIFY(info.directIo != !info.directIoFallback.empty());
    qInfo("direct I/O %s%s",
          info.directIo ? "in effect" : "refused: ", info.directIoFallback.c_str());
    QCOMPARE(info.cachedNodes, cached->info().cachedNodes);

    const auto qs = queries(30, kDim);
    for (std::uint32_t q = 0; q < 30; ++q) {
        const float* query = qs.data() + std::size_t{q} * kDim;
        for (const std::optional<std::uint32_t> label :
             {std::optional<std::uint32_t>{}, std::optional<std::uint32_t>{5},
              std::optional<std::uint32_t>{6}}) {
            SearchStats a, b;
            const auto want = cached->search(query, 10, 40, 4, {.label = label}, &a);
            const auto got = direct->search(query, 10, 40, 4, {.label = label}, &b);
            QCOMPARE(got.size(), std::size_t{10});
            QVERIFY(sameHits(got, want));
            QVERIFY(sameStats(a, b));
            QVERIFY(b.nodesRead > 0);
        }
        QVERIFY(sameHits(direct->exactSearch(query, 10), cached->exactSearch(query, 10)));
    }
    const VerifyReport report = direct->verify();
    QVERIFY(report.ok());
    QCOMPARE(report.nodesChecked, std::uint64_t{kCount});
}

void TestDiskIndexIo::ioUringAndSequentialGiveSameResultsAndStats() {
    for (const bool direct : {false, true}) {
        const auto ring =
            DiskIndex::open(path("index.qdx"), {.directIo = direct, .parallelReads = true});
        const auto plain =
            DiskIndex::open(path("index.qdx"), {.directIo = direct, .parallelReads = false});
        QCOMPARE(QString::fromStdString(plain->info().readEngine), QStringLiteral("pread"));
        const auto qs = queries(40, kDim);
        std::uint64_t rounds = 0;
        for (std::uint32_t q = 0; q < 40; ++q) {
            const float* query = qs.data() + std::size_t{q} * kDim;
            // Wide beams too: more reads than a ring takes at once are fed in as others finish.
            for (const std::uint32_t W : {1u, 4u, 16u, 100u}) {
                SearchStats a, b;
                const auto got = ring->search(query, 10, 100, W, {}, &a);
                const auto want = plain->search(query, 10, 100, W, {}, &b);
                QVERIFY(sameHits(got, want));
                QVERIFY(sameStats(a, b));
                rounds += a.rounds;
            }
        }
        QVERIFY(rounds > 0);
    }
}

void TestDiskIndexIo::concurrentThreadsEachUseTheirOwnQueue() {
    const auto index = DiskIndex::open(path("index.qdx"), {.directIo = true});
    const auto reference = DiskIndex::open(path("index.qdx"), {.parallelReads = false});
    constexpr std::uint32_t nq = 40;
    const auto qs = queries(nq, kDim);
    std::vector<std::vector<SearchResult>> want(nq);
    for (std::uint32_t q = 0; q < nq; ++q)
        want[q] = reference->search(qs.data() + std::size_t{q} * kDim, 10, 60, 8);
    std::vector<std::vector<std::vector<SearchResult>>> got(
        4, std::vector<std::vector<SearchResult>>(nq));
    std::vector<std::thread> threads;
    for (std::uint32_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (std::uint32_t i = 0; i < nq; ++i) {
                const std::uint32_t q = (i + t * 11) % nq;
                got[t][q] = index->search(qs.data() + std::size_t{q} * kDim, 10, 60, 8);
            }
        });
    for (auto& th : threads)
        th.join();
    for (std::uint32_t t = 0; t < 4; ++t)
        for (std::uint32_t q = 0; q < nq; ++q)
            QVERIFY(sameHits(got[t][q], want[q]));
}

void TestDiskIndexIo::refusedDirectIoFallsBackToCached() {
    // No file system that refuses O_DIRECT can be had portably: the reader is told to act as
    // one, which runs the same fallback as a refusal at open or at the first read.
    const FileReader refused(path("index.qdx"),
                             {.directIo = true, .simulateDirectIoRefusal = true});
    QVERIFY(!refused.directIo());
    QVERIFY(refused.directIoFallback().find("refused") != std::string::npos);
    const FileReader cached(path("index.qdx"));
    QVERIFY(cached.directIoFallback().empty());
    QCOMPARE(refused.size(), cached.size());
    std::vector<char> a(5000), b(5000);
    refused.readAt(123, a.data(), a.size());
    cached.readAt(123, b.data(), b.size());
    QVERIFY(a == b);
}

void TestDiskIndexIo::directReaderReadsUnalignedRanges() {
    const FileReader direct(path("index.qdx"), {.directIo = true});
    QVERIFY(direct.directIo() != !direct.directIoFallback().empty());
    const auto bytes = test::readFileBytes(path("index.qdx"));
    QCOMPARE(direct.size(), std::uint64_t{bytes.size()});
    std::mt19937_64 rng(5);
    std::vector<std::pair<std::uint64_t, std::size_t>> ranges = {
        {0, 1}, {4095, 2}, {4096, 4096}, {bytes.size() - 1, 1}, {bytes.size() - 7000, 7000}};
    for (int i = 0; i < 50; ++i) {
        const std::uint64_t offset = rng() % bytes.size();
        ranges.emplace_back(offset,
                            1 + rng() % std::min<std::uint64_t>(20000, bytes.size() - offset));
    }
    for (const auto& [offset, length] : ranges) {
        std::vector<std::uint8_t> got(length);
        direct.readAt(offset, got.data(), length);
        QVERIFY(std::equal(got.begin(), got.end(),
                           bytes.begin() + static_cast<std::ptrdiff_t>(offset)));
    }
    std::uint8_t byte = 0;
    QVERIFY_THROWS_EXCEPTION(DiskIndexError, direct.readAt(bytes.size(), &byte, 1));
}

void TestDiskIndexIo::readQueueCompletesEveryRequestOnce_data() {
    QTest::addColumn<bool>("parallel");
    QTest::addColumn<bool>("direct");
    QTest::newRow("io_uring cached") << true << false;
    QTest::newRow("io_uring direct") << true << true;
    QTest::newRow("pread direct") << false << true;
}

void TestDiskIndexIo::readQueueCompletesEveryRequestOnce() {
    QFETCH(bool, parallel);
    QFETCH(bool, direct);
    const FileReader file(path("index.qdx"), {.directIo = direct});
    const auto bytes = test::readFileBytes(path("index.qdx"));
    const std::size_t sectors = bytes.size() / FileReader::kDirectAlignment;
    QVERIFY(sectors >= 20);
    // 150 reads: more than a ring holds at once.
    constexpr std::size_t n = 150;
    AlignedBuffer<std::uint8_t, FileReader::kDirectAlignment> buffer(n * 4096);
    std::vector<ReadRequest> requests(n);
    for (std::size_t i = 0; i < n; ++i)
        requests[i] = {(i * 7 % sectors) * 4096, buffer.data() + i * 4096, 4096};
    ReadQueue& queue = readQueueForThisThread(parallel);
    std::vector<int> completions(n, 0);
    int beforeFirstCompletion = -1;
    std::size_t done = 0;
    queue.read(
        file, requests, [&] { beforeFirstCompletion = static_cast<int>(done); },
        [&](std::size_t i) {
            ++completions[i];
            ++done;
        });
    QCOMPARE(beforeFirstCompletion, 0);
    for (std::size_t i = 0; i < n; ++i) {
        QCOMPARE(completions[i], 1);
        QVERIFY(std::equal(buffer.data() + i * 4096, buffer.data() + (i + 1) * 4096,
                           bytes.begin() + static_cast<std::ptrdiff_t>(requests[i].offset)));
    }
    // A range past the end of the file is refused, not read short.
    std::vector<ReadRequest> tooFar = {{sectors * 4096, buffer.data(), 8192}};
    QVERIFY_THROWS_EXCEPTION(DiskIndexError, queue.read(
                                                 file, tooFar, [] {}, [](std::size_t) {}));
}

void TestDiskIndexIo::readQueueWaitsForReadsBeforeThrowing_data() {
    QTest::addColumn<bool>("parallel");
    QTest::newRow("io_uring") << true;
    QTest::newRow("pread") << false;
}

void TestDiskIndexIo::readQueueWaitsForReadsBeforeThrowing() {
    QFETCH(bool, parallel);
    const FileReader file(path("index.qdx"), {.directIo = true});
    constexpr std::size_t n = 40;
    AlignedBuffer<std::uint8_t, FileReader::kDirectAlignment> buffer(n * 4096);
    std::vector<ReadRequest> requests(n);
    for (std::size_t i = 0; i < n; ++i)
        requests[i] = {i * 4096, buffer.data() + i * 4096, 4096};
    ReadQueue& queue = readQueueForThisThread(parallel);
    std::size_t calls = 0;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, queue.read(
                                                     file, requests, [] {},
                                                     [&](std::size_t) {
                                                         ++calls;
                                                         throw std::runtime_error("stop");
                                                     }));
    QCOMPARE(calls, std::size_t{1}); // no callback after the first failure
    // The queue is clean afterwards: nothing of the abandoned batch completes into this one.
    std::vector<int> completions(n, 0);
    queue.read(
        file, requests, [] {}, [&](std::size_t i) { ++completions[i]; });
    QCOMPARE(std::count(completions.begin(), completions.end(), 1), std::ptrdiff_t{n});
}

// An index whose every node record has a damaged vector byte: every search meets one. False
// when the layout is not the one damaged here (several nodes per sector).
bool writeDamagedIndex(const std::string& damaged) {
    DiskIndexBuildOptions o;
    o.pqBytes = 8;
    writeDiskIndex(damaged, graph().view(), o);
    const IndexInfo info = DiskIndex::open(damaged)->info();
    if (info.nodesPerSector == 0)
        return false;
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    for (std::uint32_t slot = 0; slot < info.count; ++slot) {
        f.seekp(static_cast<std::streamoff>((1 + slot / info.nodesPerSector) * std::uint64_t{4096} +
                                            (slot % info.nodesPerSector) * info.nodeBytes + 20));
        f.put('\x5a');
    }
    return true;
}

void TestDiskIndexIo::damagedNodeIsReportedThroughEitherEngine() {
    const std::string damaged = path("damaged.qdx");
    QVERIFY(writeDamagedIndex(damaged));
    for (const bool parallel : {true, false}) {
        const auto index = DiskIndex::open(
            damaged, {.cacheNodes = 0, .directIo = true, .parallelReads = parallel});
        const auto qs = queries(10, kDim);
        int failures = 0;
        for (std::uint32_t q = 0; q < 10; ++q) {
            try {
                index->search(qs.data() + std::size_t{q} * kDim, 10, 100, 8);
            } catch (const DiskIndexError& e) {
                QVERIFY2(std::string(e.what()).find("checksum mismatch") != std::string::npos,
                         e.what());
                ++failures;
            }
        }
        QCOMPARE(failures, 10);
        // The queue survives the failed searches.
        const auto sound = DiskIndex::open(path("index.qdx"), {.parallelReads = parallel});
        QCOMPARE(sound->search(qs.data(), 10, 40, 4).size(), std::size_t{10});
    }
}

void TestDiskIndexIo::refusedRingFallsBackToSequentialReads() {
#ifdef __linux__
    // A child process forbids itself io_uring_setup with a seccomp filter, as container
    // runtimes do, then opens and searches the index: it must read sequentially and find what
    // the parent finds.
    const auto qs = queries(10, kDim);
    std::vector<std::vector<SearchResult>> want(10);
    {
        const auto index = DiskIndex::open(path("index.qdx"), {.parallelReads = false});
        for (std::uint32_t q = 0; q < 10; ++q)
            want[q] = index->search(qs.data() + std::size_t{q} * kDim, 10, 40, 4);
    }
    const std::string file = path("index.qdx");
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        sock_filter filter[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
            ::_exit(3);
        int status = 0;
        // A fresh thread: this one may hold a ring inherited from the parent.
        std::thread worker([&] {
            try {
                const auto index = DiskIndex::open(file, {.directIo = true});
                if (index->info().readEngine != "pread") {
                    status = 4;
                    return;
                }
                for (std::uint32_t q = 0; q < 10; ++q)
                    if (!sameHits(index->search(qs.data() + std::size_t{q} * kDim, 10, 40, 4),
                                  want[q]))
                        status = 5;
            } catch (...) {
                status = 6;
            }
        });
        worker.join();
        ::_exit(status);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);
#else
    // No io_uring elsewhere: the sequential path is all there is.
    QCOMPARE(QString::fromStdString(DiskIndex::open(path("index.qdx"))->info().readEngine),
             QStringLiteral("pread"));
#endif
}

void TestDiskIndexIo::pipelineCompletesEveryReadOnce_data() {
    readQueueCompletesEveryRequestOnce_data();
}

void TestDiskIndexIo::pipelineCompletesEveryReadOnce() {
    QFETCH(bool, parallel);
    QFETCH(bool, direct);
    const FileReader file(path("index.qdx"), {.directIo = direct});
    const auto bytes = test::readFileBytes(path("index.qdx"));
    const std::size_t sectors = bytes.size() / FileReader::kDirectAlignment;
    // 150 reads, submitted in bursts between waits, up to 100 outstanding: more than a ring
    // holds at once. Read 149 is unaligned, which direct I/O reads past the ring.
    constexpr std::size_t n = 150;
    AlignedBuffer<std::uint8_t, FileReader::kDirectAlignment> buffer(n * 4096 + 8);
    std::vector<ReadRequest> requests(n);
    for (std::size_t i = 0; i < n; ++i)
        requests[i] = {(i * 7 % sectors) * 4096, buffer.data() + i * 4096, 4096};
    requests[n - 1] = {4096 + 3, buffer.data() + (n - 1) * 4096 + 5, 4000};
    ReadQueue& queue = readQueueForThisThread(parallel);
    std::vector<int> completions(n, 0);
    {
        const auto reads = queue.pipeline(file);
        std::vector<std::uint64_t> done;
        std::size_t next = 0;
        while (next < n || reads->pending() > 0) {
            for (std::size_t burst = 0; burst < 30 && next < n && reads->pending() < 100; ++burst)
                reads->submit(requests[next], next), ++next;
            const std::size_t before = reads->pending();
            done.clear();
            reads->wait(done);
            QVERIFY(!done.empty());
            QCOMPARE(reads->pending(), before - done.size());
            for (const std::uint64_t tag : done)
                ++completions[tag];
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        QCOMPARE(completions[i], 1);
        QVERIFY(std::equal(requests[i].buffer, requests[i].buffer + requests[i].bytes,
                           bytes.begin() + static_cast<std::ptrdiff_t>(requests[i].offset)));
    }
    // A range past the end of the file is refused, not read short.
    const auto reads = queue.pipeline(file);
    QVERIFY_THROWS_EXCEPTION(DiskIndexError, {
        reads->submit({sectors * 4096, buffer.data(), 8192}, 0);
        std::vector<std::uint64_t> done;
        reads->wait(done);
    });
}

void TestDiskIndexIo::abandonedPipelineWaitsForItsReads_data() {
    readQueueWaitsForReadsBeforeThrowing_data();
}

void TestDiskIndexIo::abandonedPipelineWaitsForItsReads() {
    QFETCH(bool, parallel);
    const FileReader file(path("index.qdx"), {.directIo = true});
    constexpr std::size_t n = 40;
    AlignedBuffer<std::uint8_t, FileReader::kDirectAlignment> buffer(n * 4096);
    ReadQueue& queue = readQueueForThisThread(parallel);
    {
        // Left with reads in flight, as a search that throws leaves it.
        const auto reads = queue.pipeline(file);
        for (std::size_t i = 0; i < n; ++i)
            reads->submit({i * 4096, buffer.data() + i * 4096, 4096}, i);
        std::vector<std::uint64_t> done;
        reads->wait(done);
        QVERIFY(!done.empty());
    }
    // Nothing of the abandoned reads completes into the next user of the queue.
    const auto reads = queue.pipeline(file);
    reads->submit({0, buffer.data(), 4096}, 1000);
    std::vector<std::uint64_t> done;
    while (reads->pending() > 0)
        reads->wait(done);
    QCOMPARE(done, std::vector<std::uint64_t>{1000});
}

void TestDiskIndexIo::pipelinedWithOneReadMatchesRounds_data() {
    readQueueCompletesEveryRequestOnce_data();
}

void TestDiskIndexIo::pipelinedWithOneReadMatchesRounds() {
    // One read at a time, both strategies expand the same nodes in the same order: the same
    // hits and the same reads, with and without label filters and deletions.
    QFETCH(bool, parallel);
    QFETCH(bool, direct);
    const auto rounds =
        DiskIndex::open(path("index.qdx"), {.directIo = direct, .parallelReads = parallel});
    const auto pipelined = DiskIndex::open(
        path("index.qdx"), {.directIo = direct, .parallelReads = parallel, .pipelinedReads = true});
    std::unordered_set<std::uint64_t> every9th;
    for (std::uint64_t id = 0; id < kCount; id += 9)
        every9th.insert(id);
    const std::unordered_set<std::uint64_t>* deleted = &every9th;
    const auto qs = queries(30, kDim);
    std::uint64_t reads = 0;
    for (std::uint32_t q = 0; q < 30; ++q) {
        const float* query = qs.data() + std::size_t{q} * kDim;
        for (const std::optional<std::uint32_t> label :
             {std::optional<std::uint32_t>{}, std::optional<std::uint32_t>{5},
              std::optional<std::uint32_t>{6}})
            for (const auto* gone :
                 {static_cast<const std::unordered_set<std::uint64_t>*>(nullptr), deleted}) {
                SearchStats a, b;
                const SearchFilter f{.label = label, .deleted = gone};
                const auto want = rounds->search(query, 10, 40, 1, f, &a);
                const auto got = pipelined->search(query, 10, 40, 1, f, &b);
                QCOMPARE(got.size(), std::size_t{10});
                QVERIFY(sameHits(got, want));
                QVERIFY(sameReads(a, b));
                reads += b.nodesRead;
            }
    }
    QVERIFY(reads > 0);
}

void TestDiskIndexIo::pipelinedIsTheSameThroughEitherEngine() {
    // Nodes are expanded in the order they were taken, whatever order the ring completes their
    // reads in: the engines agree at every width.
    for (const bool direct : {false, true}) {
        const auto ring = DiskIndex::open(
            path("index.qdx"), {.directIo = direct, .parallelReads = true, .pipelinedReads = true});
        const auto plain =
            DiskIndex::open(path("index.qdx"),
                            {.directIo = direct, .parallelReads = false, .pipelinedReads = true});
        const auto qs = queries(40, kDim);
        for (std::uint32_t q = 0; q < 40; ++q) {
            const float* query = qs.data() + std::size_t{q} * kDim;
            for (const std::uint32_t W : {2u, 4u, 16u, 100u})
                for (const std::optional<std::uint32_t> label :
                     {std::optional<std::uint32_t>{}, std::optional<std::uint32_t>{6}}) {
                    SearchStats a, b;
                    const auto got = ring->search(query, 10, 100, W, {.label = label}, &a);
                    const auto want = plain->search(query, 10, 100, W, {.label = label}, &b);
                    QVERIFY(sameHits(got, want));
                    QVERIFY(sameReads(a, b));
                }
        }
    }
}

void TestDiskIndexIo::damagedNodeFailsPipelinedSearchCleanly() {
    const std::string damaged = path("damaged-pipelined.qdx");
    QVERIFY(writeDamagedIndex(damaged));
    const auto qs = queries(10, kDim);
    for (const bool parallel : {true, false}) {
        const auto index = DiskIndex::open(
            damaged,
            {.cacheNodes = 0, .directIo = true, .parallelReads = parallel, .pipelinedReads = true});
        int failures = 0;
        for (std::uint32_t q = 0; q < 10; ++q) {
            try {
                index->search(qs.data() + std::size_t{q} * kDim, 10, 100, 8);
            } catch (const DiskIndexError& e) {
                QVERIFY2(std::string(e.what()).find("checksum mismatch") != std::string::npos,
                         e.what());
                ++failures;
            }
        }
        QCOMPARE(failures, 10);
        // The reads left in flight were waited for; the queue serves the next search.
        const auto sound =
            DiskIndex::open(path("index.qdx"), {.parallelReads = parallel, .pipelinedReads = true});
        const auto reference = DiskIndex::open(path("index.qdx"), {.parallelReads = false});
        QVERIFY(
            sameHits(sound->search(qs.data(), 10, 40, 1), reference->search(qs.data(), 10, 40, 1)));
    }
}

QTEST_GUILESS_MAIN(TestDiskIndexIo)
#include "tst_disk_index_io.moc"
