// Deterministic driver for the ingest parsers' fuzz entry point, run by ctest in every build (and
// under ASan/UBSan in CI): the seed corpus (tests/fuzz/corpus/ingest) and a few known-hostile
// inputs are damaged in seeded ways -- truncated, bits flipped, markup tokens inserted or
// repeated thousands of times, slices duplicated -- and fed to every parser that reads them.
// It stops after a fixed number of cases or 20 seconds, whichever comes first, so that a slow
// machine runs fewer cases rather than a longer test.
//
// Usage: replay_ingest_parsers [--write-seed DIR]   (DIR receives the seeds with their parser
// byte in front, as a corpus for the libFuzzer build).
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QList>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

constexpr int kCases = 4000;
constexpr auto kTimeBudget = std::chrono::seconds(20);
constexpr qsizetype kMaxInput = 512 * 1024;

// The parsers (selector bytes of fuzz_ingest_parsers.cpp) that read a seed, by its suffix.
QList<char> parsersFor(const QString& suffix) {
    if (suffix == QLatin1String("html") || suffix == QLatin1String("xhtml"))
        return {0, 1};
    if (suffix == QLatin1String("xml"))
        return {2};
    if (suffix == QLatin1String("md"))
        return {3};
    if (suffix == QLatin1String("glob"))
        return {4};
    return {};
}

const QList<QByteArray>& tokens() {
    static const QList<QByteArray> t{"<div>",
                                     "</div>",
                                     "<p>",
                                     "<b><i>",
                                     "<a href='x'>",
                                     "<table><tr><td>",
                                     "<script>",
                                     "</script>",
                                     "<title>",
                                     "<svg>",
                                     "<math>",
                                     "<!--",
                                     "-->",
                                     "<![CDATA[",
                                     "]]>",
                                     "&",
                                     "&amp;",
                                     "&#x",
                                     ";",
                                     "<x/>",
                                     "/>",
                                     "\"",
                                     "'",
                                     "=",
                                     "<text:s text:c=\"2147483647\"/>",
                                     "<text:p>",
                                     "</text:p>",
                                     "<!DOCTYPE r [<!ENTITY e \"ee\">]>",
                                     "&e;",
                                     " a=\"\"",
                                     "> ",
                                     "- ",
                                     "1. ",
                                     "  ",
                                     "[",
                                     "]",
                                     "(",
                                     ")",
                                     "![",
                                     "*",
                                     "_",
                                     "`",
                                     "\n",
                                     "\n\n",
                                     "**",
                                     "/",
                                     "?",
                                     "[!",
                                     "\\"};
    return t;
}

QByteArray mutate(QByteArray in, std::mt19937& rng) {
    const auto pick = [&rng](qsizetype n) {
        return n <= 0 ? qsizetype(0) : qsizetype(std::uniform_int_distribution<qint64>(0, n)(rng));
    };
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0:
        in.truncate(pick(in.size()));
        break;
    case 1:
        for (int k = 0, n = 1 + int(pick(7)); k < n && !in.isEmpty(); ++k)
            in[pick(in.size() - 1)] ^= char(1 << pick(7));
        break;
    case 2: {
        // One token, repeated: nesting, unclosed openers, entity storms.
        const QByteArray& token = tokens()[pick(tokens().size() - 1)];
        const int repeat =
            std::uniform_int_distribution<int>(0, 9)(rng) < 7 ? 1 : 1 + int(pick(3000));
        in.insert(pick(in.size()), token.repeated(repeat));
        break;
    }
    default: {
        const qsizetype from = pick(in.size());
        const QByteArray slice = in.mid(from, 1 + pick(64));
        in.insert(pick(in.size()), slice.repeated(1 + int(pick(63))));
        break;
    }
    }
    return in.left(kMaxInput);
}

struct Seed {
    QList<char> parsers;
    QByteArray bytes;
};

QList<Seed> seeds(const QString& dir) {
    QList<Seed> out;
    for (const QFileInfo& f : QDir(dir).entryInfoList(QDir::Files, QDir::Name)) {
        QFile file(f.filePath());
        if (file.open(QIODevice::ReadOnly))
            out.append({parsersFor(f.suffix()), file.readAll()});
    }
    // Known-hostile shapes, small enough for a quick run.
    out.append({{0, 1}, QByteArray("<div>").repeated(20'000) + "deep"});
    out.append({{0}, QByteArray(200'000, '&')});
    out.append({{3}, QByteArray("![[]()").repeated(3'000)});
    out.append({{3}, QByteArray("> ").repeated(2'000) + "a\n" + QByteArray("b\n").repeated(500)});
    out.append({{4}, "**/a/**/a/**/a/**/b\n" + QByteArray("a/").repeated(2'000)});
    out.append({{2}, "<r><p " + QByteArray(" a=\"\"").repeated(300) + "/></r>"});
    return out;
}

} // namespace

int main(int argc, char** argv) {
    const QString corpus = QStringLiteral(QUIVER_INGEST_CORPUS_DIR);
    const QList<Seed> all = seeds(corpus);
    if (all.size() <= 6) {
        std::fprintf(stderr, "replay_ingest_parsers: no seeds in %s\n", qPrintable(corpus));
        return 1;
    }
    if (argc == 3 && QByteArray(argv[1]) == "--write-seed") {
        QDir().mkpath(QString::fromLocal8Bit(argv[2]));
        int n = 0;
        for (const Seed& s : all) {
            for (const char parser : s.parsers) {
                QFile f(QDir(QString::fromLocal8Bit(argv[2]))
                            .filePath(QStringLiteral("seed-%1").arg(n++)));
                if (!f.open(QIODevice::WriteOnly))
                    return 1;
                f.write(QByteArray(1, parser) + s.bytes);
            }
        }
        return 0;
    }
    const auto started = std::chrono::steady_clock::now();
    std::mt19937 rng(19);
    int cases = 0;
    const auto run = [&cases](char parser, const QByteArray& bytes) {
        const QByteArray input = QByteArray(1, parser) + bytes;
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.constData()),
                               static_cast<std::size_t>(input.size()));
        ++cases;
    };
    for (const Seed& s : all) {
        for (const char parser : s.parsers)
            run(parser, s.bytes);
    }
    while (cases < kCases && std::chrono::steady_clock::now() - started < kTimeBudget) {
        const Seed& s = all[std::uniform_int_distribution<qsizetype>(0, all.size() - 1)(rng)];
        QByteArray bytes = s.bytes;
        for (int k = 0, n = std::uniform_int_distribution<int>(1, 4)(rng); k < n; ++k)
            bytes = mutate(bytes, rng);
        for (const char parser : s.parsers)
            run(parser, bytes);
    }
    std::printf("replay_ingest_parsers: %d cases in %.1f s\n", cases,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return 0;
}
