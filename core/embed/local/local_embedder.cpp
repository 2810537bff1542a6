#include "core/embed/local/local_embedder.h"

#include "core/embed/local/model_locator.h"
#include "core/embed/local/sentencepiece_tokenizer.h"
#include "core/embed/local/use_lite_model.h"
#include "core/embed/local/use_lite_weights.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>

namespace quiver {

namespace {

// The forward pass is compiled for the CPU level QUIVER_MODEL_MARCH names (core/embed/local/
// CMakeLists.txt): on a CPU below it, refuse with a message instead of dying on an illegal
// instruction.
void checkCpuLevel() {
#if defined(QUIVER_MODEL_MARCH) && (defined(__GNUC__) || defined(__clang__)) &&                    \
    (defined(__x86_64__) || defined(__i386__))
    const std::string_view level = QUIVER_MODEL_MARCH;
    bool ok = true;
    if (level == "x86-64-v3" || level == "x86-64-v4")
        ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (level == "x86-64-v4")
        ok = ok && __builtin_cpu_supports("avx512f");
    if (!ok)
        throw EmbedError(
            EmbedError::Kind::Config,
            QStringLiteral("this build of the on-device sentence model needs a CPU with %1 "
                           "instructions, which this computer lacks: use the lexical profile "
                           "(quiver-cli profile default lexical), or build Quiver with "
                           "-DQUIVER_MODEL_MARCH= (portable, slower)")
                .arg(QString::fromLatin1(level.data(), static_cast<qsizetype>(level.size()))));
#endif
}

// Big enough for efficient matrix products, small enough that a few chunks spread over threads.
constexpr std::size_t kBatchTokens = 512;

struct Batch {
    std::size_t first = 0; // index of its first sequence
    std::size_t count = 0;
};

std::vector<Batch> packBatches(const std::vector<std::vector<int>>& sequences) {
    std::vector<Batch> batches;
    std::size_t tokens = 0;
    for (std::size_t i = 0; i < sequences.size(); ++i) {
        if (batches.empty() || tokens >= kBatchTokens) {
            batches.push_back({i, 0});
            tokens = 0;
        }
        ++batches.back().count;
        tokens += std::max<std::size_t>(sequences[i].size(), 1);
    }
    return batches;
}

// Runs work(i) for i in [0, count) on up to `threads` threads (the caller's among them), each
// taking the next index as it finishes one. The first exception stops the rest and is rethrown.
// `perThread` makes each thread's state (its scratch space) once.
template <typename State, typename Work>
void runParallel(int threads, std::size_t count, const std::function<State()>& perThread,
                 const Work& work) {
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    const auto loop = [&] {
        try {
            State state = perThread();
            for (std::size_t i = next++; i < count; i = next++)
                work(i, state);
        } catch (...) {
            const std::lock_guard lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            next = count;
        }
    };
    const std::size_t threadCount = std::min(static_cast<std::size_t>(std::max(threads, 1)), count);
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < threadCount; ++t) {
        try {
            helpers.emplace_back(loop);
        } catch (const std::system_error&) {
            break; // no more threads to be had: the ones running share the work
        }
    }
    loop();
    for (std::thread& t : helpers)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}

[[noreturn]] void throwCancelled() {
    throw EmbedError(EmbedError::Kind::Cancelled, QStringLiteral("Embedding was cancelled."));
}

} // namespace

LocalEmbedder::LocalEmbedder()
    : LocalEmbedder(Options{}) {}

LocalEmbedder::LocalEmbedder(const Options& options)
    : m_modelDir(options.modelDir.isEmpty() ? ModelLocator::find(QString::fromLatin1(kModelName))
                                            : options.modelDir) {
    checkCpuLevel();
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    m_threads = options.threads > 0 ? options.threads : static_cast<int>(cores);
    UseLiteWeights weights =
        UseLiteWeights::load(m_modelDir, options.verifyChecksums ? UseLiteWeights::pinnedChecksums()
                                                                 : UseLiteWeights::Checksums{});
    m_tokenizer = std::make_unique<const SentencePieceTokenizer>(weights.vocabulary);
    m_model = std::make_unique<const UseLiteModel>(std::move(weights));
}

LocalEmbedder::~LocalEmbedder() = default;

QString LocalEmbedder::modelId() const {
    return QString::fromLatin1(kModelId);
}

int LocalEmbedder::dimensions() const {
    return UseLiteModel::kDimensions;
}

std::vector<int> LocalEmbedder::tokenize(const QString& text) const {
    return m_tokenizer->encode(text);
}

std::vector<std::vector<float>>
LocalEmbedder::embedTokens(const std::vector<std::vector<int>>& sequences,
                           const CancelToken& cancel) const {
    const std::vector<Batch> batches = packBatches(sequences);
    std::vector<float> flat(sequences.size() * UseLiteModel::kDimensions);
    runParallel<std::unique_ptr<UseLiteModel::Workspace>>(
        m_threads, batches.size(), [] { return std::make_unique<UseLiteModel::Workspace>(); },
        [&](std::size_t b, std::unique_ptr<UseLiteModel::Workspace>& workspace) {
            if (cancel.isCancelled())
                return;
            const Batch& batch = batches[b];
            m_model->embed(std::span(sequences).subspan(batch.first, batch.count),
                           flat.data() + batch.first * UseLiteModel::kDimensions, *workspace);
        });
    if (cancel.isCancelled())
        throwCancelled();

    std::vector<std::vector<float>> out(sequences.size());
    for (std::size_t i = 0; i < sequences.size(); ++i)
        out[i].assign(flat.begin() + static_cast<std::ptrdiff_t>(i * UseLiteModel::kDimensions),
                      flat.begin() +
                          static_cast<std::ptrdiff_t>((i + 1) * UseLiteModel::kDimensions));
    return out;
}

std::vector<std::vector<float>> LocalEmbedder::embed(const QStringList& texts,
                                                     const CancelToken& cancel) {
    // Tokenized on every thread too: it is a few percent of the work, and would otherwise keep
    // the other threads waiting.
    constexpr std::size_t kTextsPerTask = 16;
    const auto textCount = static_cast<std::size_t>(texts.size());
    std::vector<std::vector<int>> ids(textCount);
    runParallel<int>(
        m_threads, (textCount + kTextsPerTask - 1) / kTextsPerTask, [] { return 0; },
        [&](std::size_t task, int&) {
            if (cancel.isCancelled())
                return;
            for (std::size_t i = task * kTextsPerTask;
                 i < std::min(textCount, (task + 1) * kTextsPerTask); ++i)
                ids[i] = m_tokenizer->encode(texts[static_cast<qsizetype>(i)]);
        });
    if (cancel.isCancelled())
        throwCancelled();

    // Every text's windows, in order; windowsOf[i] is where text i's windows start.
    std::vector<std::vector<int>> windows;
    std::vector<std::size_t> windowsOf;
    constexpr std::size_t window = kWindowTokens;
    constexpr std::size_t stride = kWindowTokens - kWindowOverlap;
    for (std::vector<int>& textIds : ids) {
        windowsOf.push_back(windows.size());
        if (textIds.size() <= window) {
            windows.push_back(std::move(textIds));
            continue;
        }
        for (std::size_t start = 0;; start += stride) {
            start = std::min(start, textIds.size() - window);
            windows.emplace_back(textIds.begin() + static_cast<std::ptrdiff_t>(start),
                                 textIds.begin() + static_cast<std::ptrdiff_t>(start + window));
            if (start + window == textIds.size())
                break;
        }
    }
    windowsOf.push_back(windows.size());

    std::vector<std::vector<float>> vectors = embedTokens(windows, cancel);
    std::vector<std::vector<float>> out(static_cast<std::size_t>(texts.size()));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::size_t first = windowsOf[i];
        const std::size_t count = windowsOf[i + 1] - first;
        if (count == 1) {
            out[i] = std::move(vectors[first]);
            continue;
        }
        std::vector<double> sum(UseLiteModel::kDimensions, 0.0);
        for (std::size_t w = first; w < first + count; ++w)
            for (std::size_t d = 0; d < sum.size(); ++d)
                sum[d] += static_cast<double>(vectors[w][d]);
        double norm = 0;
        for (const double v : sum)
            norm += v * v;
        norm = std::sqrt(std::max(norm, 1e-24));
        out[i].resize(sum.size());
        for (std::size_t d = 0; d < sum.size(); ++d)
            out[i][d] = static_cast<float>(sum[d] / norm);
    }
    return out;
}

} // namespace quiver
