#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace quiver::test {

// What a FakeEmbeddingsServer does; see the class.
struct FakeEmbeddingsConfig {
    int dimensions = 8;  // unless the request asks for other dimensions
    int latencyMs = 0;   // before each answer
    QString requiredKey; // when set, any other Authorization gets 401
    int rpm = 0;         // limits enforced as evenly refilled buckets (0: none)
    int tpm = 0;
    int retryAfterSeconds = 1;    // sent with every 429
    int maxInputChars = 0;        // a longer input gets 400 "maximum context length" (0: none)
    bool floatAnswers = false;    // float arrays even when base64 is asked for
    QString rejectMarker;         // a request with an input containing it gets 400 naming that
                                  // input, as OpenAI does: "Invalid 'input[3]': ..." (empty: none)
    QString rejectAllMessage;     // every request gets 400 with this message (empty: none), like a
                                  // model that refuses the request's dimensions
    int forcedDimensions = 0;     // answers have this length whatever was asked (0: as asked)
    qint64 replyPaddingBytes = 0; // answers carry this many bytes of padding beyond the vectors
    QByteArray retryAfter;        // the Retry-After of every 429 as sent (empty: retryAfterSeconds)
    // The server's own tokenizer: a request costs this many tokens per token of the client's
    // estimate (estimateTokens), for the tpm limit and in the usage it reports.
    double tokensPerEstimate = 1.0;
    bool reportUsage = true; // answers say what they cost: OpenAI's usage, Ollama's
                             // prompt_eval_count
};

// An embeddings server for the tests: real HTTP on 127.0.0.1 at a free port, on a thread of its
// own, speaking OpenAI's POST /v1/embeddings (float or base64 answers, items in reverse order so
// that clients must match by index) and Ollama's POST /api/embed. Vectors are a deterministic
// function of the text (vectorFor). It can be slow, enforce rpm/tpm limits like a provider
// (429 + Retry-After + x-ratelimit-* headers), require a key, refuse long inputs, one input or
// every request, answer with the wrong lengths or far too much, and fail on purpose; it counts
// what it saw. Every method is thread-safe.
class FakeEmbeddingsServer {
public:
    enum class Fault {
        None,               // a normal answer
        RateLimited,        // 429 with Retry-After
        ServerError,        // 500
        Drop,               // closes the connection without an answer
        MalformedJson,      // 200 with a body that is not JSON
        WrongDimensions,    // 200, one vector one element short
        AllWrongDimensions, // 200, every vector one element short
        WrongCount,         // 200, one vector missing
        NaN,                // 200, a vector holds NaN (float answers) / non-numbers
        Unauthorized,       // 401
        NotFound,           // 404
    };

    using Config = FakeEmbeddingsConfig;

    struct Stats {
        int requests = 0;
        int inputs = 0;                   // inputs of requests that got vectors
        int rateLimited = 0;              // 429s sent because of rpm/tpm (not queued faults)
        int maxInFlight = 0;              // most requests waiting for their answer at once
        qint64 tokensCounted = 0;         // what the requests that got vectors cost
        QList<int> batchSizes;            // inputs per request, in arrival order
        QList<QByteArray> authorizations; // Authorization header of each request ("" if none)
        QList<qint64> arrivalMs;          // ms since the server started, per request
        QHash<QString, int> inputCounts;  // how often each input got a vector
    };

    explicit FakeEmbeddingsServer(const Config& config = {});
    ~FakeEmbeddingsServer();
    FakeEmbeddingsServer(const FakeEmbeddingsServer&) = delete;
    FakeEmbeddingsServer& operator=(const FakeEmbeddingsServer&) = delete;

    quint16 port() const;
    QString baseUrl() const; // http://127.0.0.1:PORT

    void setConfig(const Config& config);
    // The next requests get these faults, one per request, in order; then normal answers.
    void queueFaults(const QList<Fault>& faults);
    // While held, answers are kept back (after their latency) until releaseAnswers() sends
    // them; requests are still counted when they arrive. Lets a test act while a client waits.
    void holdAnswers();
    void releaseAnswers();
    Stats stats() const;
    void resetStats();

    // The vector the server gives `text`: unit length, deterministic.
    static std::vector<float> vectorFor(const QString& text, int dimensions);

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

} // namespace quiver::test
