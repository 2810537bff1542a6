// Real text embeddings for ann_bench: cuts plain-text files into chunks of about W words, embeds
// them with the local sentence model, and writes base.fvecs, query.fvecs (held-out chunks of the
// same files) and truth.ivecs (each query's 100 nearest base vectors by cosine, exact).
//
// Usage: embed_corpus --out DIR [--base N] [--queries NQ] [--words W] [--per-file N]
//                     [--threads T] [--model-dir DIR] FILE...
#include "core/embed/local/local_embedder.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Args {
    QString outDir;
    int baseCount = 20000;
    int queryCount = 1000;
    int words = 40;
    int perFile = 0; // 0: no cap
    int threads = 0;
    QString modelDir;
    QStringList files;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "embed_corpus: %s\n"
                 "usage: embed_corpus --out DIR [--base N] [--queries NQ] [--words W] "
                 "[--per-file N] [--threads T] [--model-dir DIR] FILE...\n",
                 why);
    std::exit(2);
}

// Paragraphs (blank-line separated) cut into pieces of at most `words` words; pieces under a
// quarter of that are dropped as headings and fragments.
QStringList chunksOf(const QString& text, int words) {
    static const QRegularExpression paragraphBreak(QStringLiteral("\\n\\s*\\n"));
    static const QRegularExpression space(QStringLiteral("\\s+"));
    QStringList chunks;
    for (const QString& paragraph : text.split(paragraphBreak, Qt::SkipEmptyParts)) {
        const QStringList w = paragraph.split(space, Qt::SkipEmptyParts);
        for (qsizetype i = 0; i < w.size(); i += words) {
            const QStringList piece = w.mid(i, words);
            if (piece.size() >= std::max(4, words / 4))
                chunks << piece.join(QLatin1Char(' '));
        }
    }
    return chunks;
}

void writeVecs(const QString& path, const std::vector<std::vector<float>>& rows) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    for (const auto& row : rows) {
        const auto dim = static_cast<std::int32_t>(row.size());
        out.write(reinterpret_cast<const char*>(&dim), sizeof dim);
        out.write(reinterpret_cast<const char*>(row.data()),
                  static_cast<std::streamsize>(row.size() * sizeof(float)));
    }
    if (!out)
        throw std::runtime_error("cannot write " + path.toStdString());
}

// Exact top-k by cosine (the model's vectors are unit length, so by inner product).
std::vector<std::vector<std::int32_t>> groundTruth(const std::vector<std::vector<float>>& base,
                                                   const std::vector<std::vector<float>>& queries,
                                                   std::size_t k) {
    std::vector<std::vector<std::int32_t>> truth;
    std::vector<std::pair<float, std::int32_t>> scored(base.size());
    for (const auto& q : queries) {
        for (std::size_t i = 0; i < base.size(); ++i)
            scored[i] = {-std::inner_product(q.begin(), q.end(), base[i].begin(), 0.0f),
                         static_cast<std::int32_t>(i)};
        const std::size_t top = std::min(k, scored.size());
        std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(top),
                          scored.end());
        std::vector<std::int32_t> ids(top);
        for (std::size_t i = 0; i < top; ++i)
            ids[i] = scored[i].second;
        truth.push_back(std::move(ids));
    }
    return truth;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    Args a;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString& arg = args[i];
        auto value = [&]() -> QString {
            if (i + 1 >= args.size())
                usage("an option is missing its value");
            return args[++i];
        };
        if (arg == QLatin1String("--out"))
            a.outDir = value();
        else if (arg == QLatin1String("--base"))
            a.baseCount = value().toInt();
        else if (arg == QLatin1String("--queries"))
            a.queryCount = value().toInt();
        else if (arg == QLatin1String("--words"))
            a.words = value().toInt();
        else if (arg == QLatin1String("--per-file"))
            a.perFile = value().toInt();
        else if (arg == QLatin1String("--threads"))
            a.threads = value().toInt();
        else if (arg == QLatin1String("--model-dir"))
            a.modelDir = value();
        else if (arg.startsWith(QLatin1String("--")))
            usage("unknown option");
        else
            a.files << arg;
    }
    if (a.outDir.isEmpty() || a.files.isEmpty() || a.baseCount <= 0 || a.queryCount <= 0 ||
        a.words <= 0)
        usage("give --out DIR and at least one text file");

    try {
        // Chunks of every file, duplicates dropped (licence texts repeat across packages).
        std::mt19937_64 rng(12345);
        QSet<QString> seen;
        QStringList all;
        for (const QString& path : a.files) {
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                throw std::runtime_error("cannot read " + path.toStdString());
            QStringList chunks = chunksOf(QString::fromUtf8(f.readAll()), a.words);
            std::shuffle(chunks.begin(), chunks.end(), rng);
            int taken = 0;
            for (const QString& c : chunks) {
                if (a.perFile > 0 && taken >= a.perFile)
                    break;
                if (!seen.contains(c)) {
                    seen.insert(c);
                    all << c;
                    ++taken;
                }
            }
            std::printf("%s: %d chunks\n", qPrintable(path), taken);
        }
        std::shuffle(all.begin(), all.end(), rng);
        const int need = a.baseCount + a.queryCount;
        if (all.size() < need)
            throw std::runtime_error("only " + std::to_string(all.size()) + " distinct chunks, " +
                                     std::to_string(need) + " needed");
        const QStringList queries = all.mid(0, a.queryCount);
        const QStringList base = all.mid(a.queryCount, a.baseCount);

        quiver::LocalEmbedder::Options options;
        options.modelDir = a.modelDir;
        options.threads = a.threads;
        quiver::LocalEmbedder embedder(options);
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::vector<float>> baseVectors;
        constexpr int kBatch = 1000;
        for (int i = 0; i < base.size(); i += kBatch) {
            auto v = embedder.embed(base.mid(i, kBatch));
            std::move(v.begin(), v.end(), std::back_inserter(baseVectors));
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("embedded %zu / %lld base chunks (%.0f chunks/s)\n", baseVectors.size(),
                        static_cast<long long>(base.size()),
                        static_cast<double>(baseVectors.size()) / s);
            std::fflush(stdout);
        }
        const auto queryVectors = embedder.embed(queries);
        writeVecs(a.outDir + QStringLiteral("/base.fvecs"), baseVectors);
        writeVecs(a.outDir + QStringLiteral("/query.fvecs"), queryVectors);

        const auto truth = groundTruth(baseVectors, queryVectors, 100);
        std::ofstream out((a.outDir + QStringLiteral("/truth.ivecs")).toStdString(),
                          std::ios::binary);
        for (const auto& row : truth) {
            const auto k = static_cast<std::int32_t>(row.size());
            out.write(reinterpret_cast<const char*>(&k), sizeof k);
            out.write(reinterpret_cast<const char*>(row.data()),
                      static_cast<std::streamsize>(row.size() * sizeof(std::int32_t)));
        }
        if (!out)
            throw std::runtime_error("cannot write the ground truth");
        std::printf("wrote %zu base, %zu query vectors of %d dimensions and the cosine ground "
                    "truth (100 per query) to %s\n",
                    baseVectors.size(), queryVectors.size(), embedder.dimensions(),
                    qPrintable(a.outDir));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "embed_corpus: %s\n", e.what());
        return 1;
    }
    return 0;
}
