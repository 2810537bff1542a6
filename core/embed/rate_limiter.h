#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QtGlobal>

#include <optional>

namespace quiver {

// Client-side pacing for one embeddings profile: requests/minute and tokens/minute as two token
// buckets that refill evenly (providers enforce per-minute limits over shorter periods, so a
// burst of a whole minute's budget is refused), plus what the server's x-ratelimit-* headers
// said. A request may start once each bucket holds what it needs (at most one bucket's
// capacity); it may then drive the bucket below zero, which later requests wait out. Not
// thread-safe: one per embed() call's loop. Times are milliseconds on any monotonic clock.
//
// Every wait a server asks for (Retry-After, x-ratelimit-reset-*) is capped at maxWaitMs, with
// arithmetic that cannot overflow: a reply saying "wait 99999999999999 s" or "1e300" holds
// requests back for the cap, not forever.
class RateLimiter {
public:
    static constexpr qint64 kMaxWaitMs = 10 * 60 * 1000;

    RateLimiter(int requestsPerMinute, int tokensPerMinute, qint64 maxWaitMs = kMaxWaitMs);

    // Milliseconds to wait before a request of `tokens` may start; 0: now.
    qint64 delayFor(qint64 tokens, qint64 nowMs);
    void consume(qint64 tokens, qint64 nowMs);
    // From a response's headers; absent values leave the previous state.
    void observe(std::optional<qint64> remainingRequests, std::optional<qint64> resetRequestsMs,
                 std::optional<qint64> remainingTokens, std::optional<qint64> resetTokensMs,
                 qint64 nowMs);
    // After a 429 with Retry-After: nothing starts before nowMs + delayMs.
    void holdFor(qint64 delayMs, qint64 nowMs);

    // "1s", "6m0s", "20ms", "1.5s", "2h3m" (OpenAI's reset format) or plain seconds. Huge values
    // saturate (at 2^53 ms) instead of overflowing.
    static std::optional<qint64> parseDurationMs(const QByteArray& text);
    // A 429's wait: retry-after-ms (OpenAI, milliseconds), else Retry-After in seconds or as an
    // HTTP date (read against nowUtc); empty when neither is there or readable; at most
    // maxWaitMs.
    static std::optional<qint64> retryAfterMs(const QByteArray& retryAfter,
                                              const QByteArray& retryAfterMillis,
                                              const QDateTime& nowUtc,
                                              qint64 maxWaitMs = kMaxWaitMs);
    // A wait of `ms` (any double: negative, huge, infinite) as whole milliseconds in
    // [0, maxWaitMs]; empty for NaN.
    static std::optional<qint64> clampWaitMs(double ms, qint64 maxWaitMs);
    qint64 maxWaitMs() const { return m_maxWaitMs; }

private:
    struct Bucket {
        double capacity = 0; // 0: unlimited
        double perMs = 0;
        double level = 0;
        qint64 at = -1; // < 0: not yet refilled
        void refill(qint64 now);
        qint64 delayFor(double need, qint64 now);
    };
    qint64 capped(qint64 delayMs) const;

    qint64 m_maxWaitMs = kMaxWaitMs;
    Bucket m_requests;
    Bucket m_tokens;
    qint64 m_holdUntil = 0;
    qint64 m_requestsResetAt = 0;             // server said: none left until then
    std::optional<qint64> m_serverTokensLeft; // server's remaining tokens ...
    qint64 m_tokensResetAt = 0;               // ... until then
};

} // namespace quiver
