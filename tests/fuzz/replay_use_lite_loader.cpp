// Deterministic driver for the local model loader's fuzz entry point, run by ctest in every build
// (and under ASan/UBSan in CI): the real model.json, vocab.json and last weight shard are damaged
// in seeded ways — truncations, bit flips, overwritten bytes, numbers and names in the manifest
// replaced by extreme or wrong values — and fed to the loader.
//
// Usage: replay_use_lite_loader [--write-seed DIR]   (DIR receives the three seed inputs, as a
// corpus for the libFuzzer build).
#include "core/embed/local/model_locator.h"

#include <QByteArray>
#include <QDir>
#include <QFile>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "replay_use_lite_loader: cannot read %s\n", qPrintable(path));
        std::exit(1);
    }
    return f.readAll();
}

struct Runner {
    std::size_t cases = 0;
    void run(char which, const QByteArray& content) {
        QByteArray input(1, which);
        input += content;
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.constData()),
                               static_cast<std::size_t>(input.size()));
        ++cases;
    }
};

// Replaces the n-th occurrence (cycling) of `what` with `with`.
QByteArray replaceNth(QByteArray text, const QByteArray& what, const QByteArray& with,
                      std::size_t n) {
    std::vector<qsizetype> at;
    for (qsizetype i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1))
        at.push_back(i);
    if (!at.empty())
        text.replace(at[n % at.size()], what.size(), with);
    return text;
}

} // namespace

int main(int argc, char** argv) {
    const auto started = std::chrono::steady_clock::now();
    const QDir model(quiver::ModelLocator::find(QStringLiteral("use-lite-0.2.0")));
    const QByteArray manifest = readAll(model.filePath(QStringLiteral("model.json")));
    const QByteArray vocabulary = readAll(model.filePath(QStringLiteral("vocab.json")));
    const QByteArray shard = readAll(model.filePath(QStringLiteral("group1-shard7of7")));
    if (argc == 3 && std::strcmp(argv[1], "--write-seed") == 0) {
        QDir().mkpath(QString::fromLocal8Bit(argv[2]));
        const QByteArray seeds[] = {manifest, vocabulary, shard};
        for (char i = 0; i < 3; ++i) {
            QFile out(QDir(QString::fromLocal8Bit(argv[2]))
                          .filePath(QStringLiteral("seed%1").arg(static_cast<int>(i))));
            if (!out.open(QIODevice::WriteOnly))
                return 1;
            out.write(QByteArray(1, i) + seeds[static_cast<int>(i)]);
        }
        return 0;
    }

    std::mt19937_64 rng(20240611);
    Runner r;
    r.run(0, manifest); // the real files load
    r.run(0, {});
    r.run(1, {});
    r.run(2, {});

    // Truncations at random lengths and near the ends.
    for (const auto& [which, content] :
         {std::pair<char, const QByteArray*>{0, &manifest}, {1, &vocabulary}, {2, &shard}}) {
        std::vector<qsizetype> cuts = {1, 2, content->size() - 1, content->size() - 4};
        for (int i = 0; i < 25; ++i)
            cuts.push_back(
                static_cast<qsizetype>(rng() % static_cast<std::uint64_t>(content->size())));
        for (const qsizetype c : cuts)
            r.run(which, content->left(c));
        r.run(which, *content + QByteArray(4, '\0')); // too long
    }

    // Bit flips and overwritten bytes in the JSON files.
    for (int i = 0; i < 60; ++i)
        for (const auto& [which, content] :
             {std::pair<char, const QByteArray*>{0, &manifest}, {1, &vocabulary}}) {
            QByteArray b = *content;
            const int n = 1 + static_cast<int>(rng() % 4);
            for (int j = 0; j < n; ++j) {
                const auto at =
                    static_cast<qsizetype>(rng() % static_cast<std::uint64_t>(b.size()));
                b[at] = (i % 2) ? static_cast<char>(b[at] ^ (1 << (rng() % 8)))
                                : static_cast<char>(rng());
            }
            r.run(which, b);
        }

    // Manifest fields given wrong values: shapes, sizes, types, names, shard paths.
    const QByteArray numbers[] = {"0",     "1",          "-1",   "3.5",   "1e300",
                                  "65536", "4294967296", "null", "\"8\"", "[]"};
    for (std::size_t i = 0; i < 40; ++i) {
        const QByteArray& v = numbers[i % std::size(numbers)];
        r.run(0, replaceNth(manifest, "\"shape\":[", "\"shape\":[" + v + ",", i * 7));
    }
    for (const QByteArray& with :
         {QByteArray("\"float16\""), QByteArray("\"int32\""), QByteArray("7"), QByteArray("null")})
        for (std::size_t i = 0; i < 5; ++i)
            r.run(0, replaceNth(manifest, "\"float32\"", with, i * 11));
    for (const QByteArray& path :
         {QByteArray("\"../vocab.json\""), QByteArray("\"/etc/passwd\""), QByteArray("\"\""),
          QByteArray("\"missing-shard\""), QByteArray("\"model.json\""), QByteArray("7")})
        r.run(0, replaceNth(manifest, "\"group1-shard3of7\"", path, 0));
    r.run(0, replaceNth(manifest, "module/Embeddings_en", "module/Embeddings_xx", 0));
    r.run(0, replaceNth(manifest, "\"weightsManifest\"", "\"weightsManifesto\"", 0));

    // Vocabulary pieces and scores given wrong types and values.
    for (const QByteArray& with : {QByteArray("null"), QByteArray("\"x\""), QByteArray("[]"),
                                   QByteArray("1e999"), QByteArray("{}")})
        for (std::size_t i = 0; i < 5; ++i) {
            r.run(1, replaceNth(vocabulary, "-3.", with + ",-3.", i * 101));
            r.run(1, replaceNth(vocabulary, "[\"", "[" + with + ",\"", i * 97));
        }

    // Weight bytes overwritten: NaN and infinity patterns must be refused.
    for (int i = 0; i < 30; ++i) {
        QByteArray b = shard;
        const qsizetype at =
            static_cast<qsizetype>(rng() % static_cast<std::uint64_t>(b.size() / 4)) * 4;
        const char* pattern = (i % 2) ? "\x00\x00\xc0\x7f" : "\x00\x00\x80\x7f";
        std::memcpy(b.data() + at, pattern, 4);
        r.run(2, b);
    }

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("replayed %zu damaged model files through the loader in %.2f s, no crash\n",
                r.cases, seconds);
    return 0;
}
