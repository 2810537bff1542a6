// Speed of the local sentence model: load time, chunks per second for ~125-token chunks with 1
// and 2 threads (or those given; wall clock, and per CPU-second), and the process's peak
// resident memory. Run it on a quiet machine (see `uptime`).
//
// Usage: embed_bench_local [--chunks N] [--threads 1,2] [--model-dir DIR]
#include "core/embed/local/local_embedder.h"

#include <QCoreApplication>
#include <QFile>
#include <QStringList>

#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <sys/resource.h>
#include <time.h>

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU time of the whole process (all threads): on a shared machine, chunks per CPU-second say
// what dedicated cores would do when the wall clock is stretched by other work.
double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // kB on Linux
}

// The resident memory now (Linux), in MB; 0 where unknown.
double rssMb() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return 0;
}

// Plausible English prose, deterministic, each chunk grown word by word to ~125 tokens.
QStringList makeChunks(const quiver::LocalEmbedder& embedder, int count, double* meanTokens) {
    const QStringList words =
        QStringLiteral(
            "the committee reviewed quarterly budget library vote treasurer estimate research "
            "results suggest that careful planning improves outcomes for students teachers and "
            "parents while new software tools help engineers measure performance reliability "
            "security privacy documents search semantic meaning questions answers weather river "
            "mountain travel history science music kitchen recipe garden")
            .split(QLatin1Char(' '));
    std::mt19937 rng(7);
    QStringList chunks;
    std::size_t tokens = 0;
    for (int c = 0; c < count; ++c) {
        QString text;
        std::size_t n = 0;
        for (int word = 0; n < 125; ++word) {
            text += words[static_cast<int>(rng() % static_cast<unsigned>(words.size()))];
            text += (rng() % 9 == 0) ? QStringLiteral(". ") : QStringLiteral(" ");
            if (word >= 80) // well below 125 tokens until here
                n = embedder.tokenize(text).size();
        }
        tokens += n;
        chunks << text;
    }
    *meanTokens = static_cast<double>(tokens) / count;
    return chunks;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    int chunkCount = 200;
    QList<int> threadCounts = {1, 2};
    QString modelDir;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--chunks"))
            chunkCount = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--threads")) {
            threadCounts.clear();
            for (const QString& t : args[i + 1].split(QLatin1Char(',')))
                threadCounts << t.toInt();
        } else if (args[i] == QLatin1String("--model-dir"))
            modelDir = args[i + 1];
    }
    if (chunkCount <= 0 || threadCounts.isEmpty()) {
        std::fprintf(stderr, "usage: embed_bench_local [--chunks N] [--threads 1,2] "
                             "[--model-dir DIR]\n");
        return 2;
    }

    try {
        quiver::LocalEmbedder::Options options;
        options.modelDir = modelDir;
        const auto loadStart = std::chrono::steady_clock::now();
        auto probe = std::make_unique<quiver::LocalEmbedder>(options);
        const double loadSeconds = seconds(loadStart);
        std::printf("model %s from %s\n", qPrintable(probe->modelId()),
                    qPrintable(probe->modelDir()));
        std::printf("load (read, SHA-256 check, parse): %.3f s\n", loadSeconds);

        double meanTokens = 0;
        const QStringList chunks = makeChunks(*probe, chunkCount, &meanTokens);
        probe.reset();
        std::printf("%d chunks of %.1f tokens on average\n", chunkCount, meanTokens);
        for (const int threads : threadCounts) {
            options.threads = threads;
            options.verifyChecksums = false;
            quiver::LocalEmbedder embedder(options);
            embedder.embed(chunks.mid(0, 8)); // warm the caches and the allocator
            const auto start = std::chrono::steady_clock::now();
            const double cpuStart = cpuSeconds();
            const auto vectors = embedder.embed(chunks);
            const double s = seconds(start);
            const double cpu = cpuSeconds() - cpuStart;
            std::printf("threads %d: %.1f chunks/s (%.2f s for %zu vectors; %.1f chunks per "
                        "CPU-second); resident after it: %.0f MB\n",
                        threads, chunkCount / s, s, vectors.size(), chunkCount / cpu, rssMb());
        }
        std::printf("peak resident memory: %.0f MB\n", peakRssMb());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "embed_bench_local: %s\n", e.what());
        return 1;
    }
    return 0;
}
