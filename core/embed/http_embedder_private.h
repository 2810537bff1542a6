#pragma once

#include "core/embed/http_embedder.h"
#include "core/embed/rate_limiter.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QThread>

#include <optional>

namespace quiver {

// What an HttpEmbedder keeps between embed() calls; shared with HttpEmbedRun.
struct HttpEmbedder::Private {
    EmbeddingProfile profile;
    QString apiKey;
    Options options;
    int dimensions = 0; // learnt from the first answer when the profile sets none
    std::vector<TruncatedInput> truncations;
    QPointer<QNetworkAccessManager> nam;
    QThread* namThread = nullptr;
    // Pacing outlives one embed() call: a worker calls embed() batch after batch, and a fresh
    // limiter each time would start every call with a full allowance the provider no longer has.
    std::optional<RateLimiter> limiter;
    QElapsedTimer clock; // the limiter's time base, started with the first call
    PacingStats stats;

    RateLimiter& pacing() {
        if (!limiter)
            limiter.emplace(profile.requestsPerMinute, profile.tokensPerMinute, options.maxWaitMs);
        if (!clock.isValid())
            clock.start();
        return *limiter;
    }

    QNetworkAccessManager& manager() {
        if (!nam || namThread != QThread::currentThread()) {
            if (nam)
                nam->deleteLater(); // belongs to another thread; let that thread delete it
            nam = new QNetworkAccessManager();
            namThread = QThread::currentThread();
        }
        return *nam;
    }
};

} // namespace quiver
