#pragma once

#include "core/embed/embedder.h"
#include "core/embed/embedding_profile.h"
#include "core/embed/rate_limiter.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

#include <memory>
#include <optional>

namespace quiver {

// The part every remote provider shares: inputs grouped into batches (profile batch size, at
// most 300,000 estimated tokens and never more than the tokens bucket holds), several requests
// in flight, client-side pacing (RateLimiter, corrected by the usage and x-ratelimit-* headers
// of every answer and kept from one call to the next), retries with exponential backoff and jitter
// that honour Retry-After on 429, 5xx, timeouts and dropped connections (waits capped at
// Options::maxWaitMs), "input too long" answers split the batch and then truncate the one input,
// cancellation within ~50 ms, and strict checks of every answer, whose size is bounded. Errors
// are classified: what concerns one input is InputRejected (the caller may split the batch to
// isolate it); what concerns the whole request (the model, the dimensions, an unusable answer)
// is RequestRejected or BadResponse and is reported at once, with no retry and no split.
// Subclasses say what a request and an answer look like.
//
// embed() blocks: it runs a local event loop with a QNetworkAccessManager that lives in the
// calling thread, so it works on any thread with no event loop of its own. Use one instance
// from one thread at a time. The API key goes only into the Authorization header; every text
// that leaves this class is scrubbed of it.
class HttpEmbedder : public Embedder {
public:
    struct Options {
        int retryBaseMs = 500;  // first backoff; doubles per retry
        int retryMaxMs = 30000; // backoff cap
        qint64 maxBatchTokens = 300000;
        // The longest a server's Retry-After or x-ratelimit-reset-* may hold requests back.
        qint64 maxWaitMs = RateLimiter::kMaxWaitMs;
        // The largest answer read for a request of n inputs: 0 (the default) allows
        // n x dimensions x 32 bytes + 1 MiB (16,384 dimensions while they are unknown), which
        // holds any honest answer written as JSON numbers; a larger one fails that request.
        qint64 maxReplyBytes = 0;
    };

    HttpEmbedder(EmbeddingProfile profile, QString apiKey, Options options);
    ~HttpEmbedder() override;
    HttpEmbedder(const HttpEmbedder&) = delete;
    HttpEmbedder& operator=(const HttpEmbedder&) = delete;

    QString modelId() const override;
    // "<kind>:<model>[@<dimensions>]": what modelId() is for this profile.
    static QString modelIdFor(const EmbeddingProfile& profile);
    int dimensions() const override;
    std::vector<std::vector<float>> embed(const QStringList& texts,
                                          const CancelToken& cancel = {}) override;
    std::vector<TruncatedInput> lastTruncations() const override;

    const EmbeddingProfile& profile() const;

    // Where the time of embed() calls went, summed over every call so far.
    struct PacingStats {
        qint64 requests = 0;
        qint64 rateLimited = 0;     // answered 429
        qint64 heldMs = 0;          // nothing in flight: held back by the pacing or a retry's wait
        qint64 inFlightMs = 0;      // at least one request in flight
        qint64 tokensEstimated = 0; // of the requests whose answer said what they cost ...
        qint64 tokensCounted = 0;   // ... and what it said
    };
    PacingStats pacingStats() const;

protected:
    // One answer read: the vectors, and what the server says the request cost in tokens when it
    // says (OpenAI's usage), which paces the next requests.
    struct Answer {
        std::vector<std::vector<float>> vectors;
        std::optional<qint64> tokensCounted;
    };

    // Path under the profile's base URL, e.g. "/v1/embeddings".
    virtual QString path() const = 0;
    virtual QByteArray requestBody(const QStringList& texts) const = 0;
    // Exactly `count` vectors in input order; throws EmbedError(BadResponse) with a short reason
    // (no text from the answer beyond field names).
    virtual Answer parseResponse(const QByteArray& body, int count) const = 0;
    // A token count from an answer: a whole number no request could exceed, else none.
    static std::optional<qint64> tokenCount(const QJsonValue& value);
    // The server's own error text from an error answer; empty when there is none.
    virtual QString serverMessage(const QByteArray& body) const;
    virtual bool isInputTooLong(int status, const QString& message) const;
    // The error answer names one input ("Invalid 'input[3]'"): splitting the batch isolates it.
    // Any other refusal concerns the request as a whole (the model, the dimensions).
    virtual bool namesOneInput(int status, const QString& message) const;

private:
    friend class HttpEmbedRun;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace quiver
