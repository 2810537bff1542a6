#pragma once

#include "core/embed/embedder.h"
#include "core/embed/embedding_profile.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace quiver {

// The part every remote provider shares: inputs grouped into batches (profile batch size, at
// most 300,000 estimated tokens and never more than the tokens/minute budget), several requests
// in flight, client-side pacing (RateLimiter), retries with exponential backoff and jitter that
// honour Retry-After on 429, 5xx, timeouts and dropped connections, "input too long" answers
// split the batch and then truncate the one input, cancellation within ~50 ms, and strict
// checks of every answer. Subclasses say what a request and an answer look like.
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

protected:
    // Path under the profile's base URL, e.g. "/v1/embeddings".
    virtual QString path() const = 0;
    virtual QByteArray requestBody(const QStringList& texts) const = 0;
    // Exactly `count` vectors in input order; throws EmbedError(BadResponse) with a short reason
    // (no text from the answer beyond field names).
    virtual std::vector<std::vector<float>> parseResponse(const QByteArray& body,
                                                          int count) const = 0;
    // The server's own error text from an error answer; empty when there is none.
    virtual QString serverMessage(const QByteArray& body) const;
    virtual bool isInputTooLong(int status, const QString& message) const;

private:
    friend class HttpEmbedRun;
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace quiver
