#pragma once

#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

namespace quiver {

// Thrown by embedders. The message is for the user, names the profile or file and the fix, and
// never contains a secret: it is built from what Quiver knows, never from what the user typed
// around a key.
class EmbedError : public std::runtime_error {
public:
    enum class Kind {
        Config,      // the profile or model is unusable as configured (missing key, bad URL, model
                     // files)
        Auth,        // 401/403: not retried
        NotFound,    // 404: wrong base URL or model; not retried
        RateLimited, // 429 after every retry
        Server,      // 5xx after every retry
        Network,     // connection refused, dropped, DNS
        Timeout,     // no answer within the profile's timeout
        // The answer is unusable as a whole (malformed JSON, wrong count, every vector of the
        // wrong length, larger than the reply limit): not retried, not split.
        BadResponse,
        // The server refuses the request as a whole (400 about the model, the dimensions, the
        // encoding): every part of the batch would be refused the same way, so it is neither
        // retried nor split.
        RequestRejected,
        // The server refuses one input (too long, invalid, a non-finite or odd-sized vector for
        // it) even alone: the caller may split the batch to isolate it.
        InputRejected,
        Cancelled,
    };
    EmbedError(Kind kind, const QString& message)
        : std::runtime_error(message.toStdString())
        , m_kind(kind)
        , m_message(message) {}
    Kind kind() const { return m_kind; }
    QString message() const { return m_message; }

private:
    Kind m_kind;
    QString m_message;
};

// A cooperative cancellation flag shared by the caller and the embedder; copies share state.
class CancelToken {
public:
    CancelToken()
        : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

// An input the provider refused as too long, embedded from its first keptChars characters.
struct TruncatedInput {
    int index = 0;
    int originalChars = 0;
    int keptChars = 0;
};

// Turns texts into vectors. Every implementation blocks the calling thread (a worker thread or
// the command line, never the GUI thread), may use several requests or threads inside one call,
// and returns exactly one finite vector per input, in input order, or throws EmbedError.
class Embedder {
public:
    virtual ~Embedder() = default;

    // Stored with every embedding this embedder makes (quiver.embeddings.model): it changes
    // whenever the vectors would, so a change of model, version or dimensions re-embeds.
    virtual QString modelId() const = 0;
    // The length of every vector; 0 while unknown (a remote model before its first answer).
    virtual int dimensions() const = 0;

    virtual std::vector<std::vector<float>> embed(const QStringList& texts,
                                                  const CancelToken& cancel = {}) = 0;

    // The inputs of the last embed() call that were shortened to fit the model, so that the
    // caller can record it; empty for embedders that never shorten.
    virtual std::vector<TruncatedInput> lastTruncations() const { return {}; }
};

} // namespace quiver
