#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QtGlobal>

#include <map>
#include <optional>

namespace quiver {

// Client-side pacing for one embeddings profile: requests/minute and tokens/minute as two token
// buckets that refill evenly (providers enforce per-minute limits over shorter periods, so a
// burst of a whole minute's budget is refused). A request may start once each bucket holds what
// it needs (at most one bucket's capacity); it may then drive the bucket below zero, which later
// requests wait out. Not thread-safe: one per embedder, used by one embed() call at a time.
// Times are milliseconds on any monotonic clock.
//
// The local token estimate is only a first guess: what the server says it counted for a request
// (usage) corrects the bucket and teaches a ratio server/estimate that prices the next requests,
// and the x-ratelimit-* headers of each answer bound the buckets' levels by the server's own
// (see observe()).
//
// Every wait a server asks for (Retry-After, x-ratelimit-reset-*) is capped at maxWaitMs, with
// arithmetic that cannot overflow: a reply saying "wait 99999999999999 s" or "1e300" holds
// requests back for the cap, not forever.
class RateLimiter {
public:
    static constexpr qint64 kMaxWaitMs = 10 * 60 * 1000;

    // What one answer said about the server's accounting; every field may be missing.
    struct ServerReport {
        std::optional<qint64> tokensCounted; // usage: what the request cost
        std::optional<qint64> limitRequests; // x-ratelimit-limit-requests (per minute)
        std::optional<qint64> remainingRequests;
        std::optional<qint64> resetRequestsMs; // until the requests bucket is full again
        std::optional<qint64> limitTokens;
        std::optional<qint64> remainingTokens;
        std::optional<qint64> resetTokensMs;
    };

    RateLimiter(int requestsPerMinute, int tokensPerMinute, qint64 maxWaitMs = kMaxWaitMs);

    // Milliseconds to wait before a request of `tokens` (estimated) may start; 0: now.
    qint64 delayFor(qint64 tokens, qint64 nowMs);
    // Charges a request of `tokens` (estimated) that starts now; the ticket names it to
    // observe() or forget().
    qint64 consume(qint64 tokens, qint64 nowMs);
    // The answer to a ticket's request arrived with `report`.
    void observe(qint64 ticket, const ServerReport& report, qint64 nowMs);
    // A ticket's request got no answer to learn from (timeout, dropped); its charge stays.
    void forget(qint64 ticket);
    // From headers that no request of ours is known to have caused: absent values leave the
    // previous state; a bucket of ours is only lowered by them.
    void observe(std::optional<qint64> remainingRequests, std::optional<qint64> resetRequestsMs,
                 std::optional<qint64> remainingTokens, std::optional<qint64> resetTokensMs,
                 qint64 nowMs);
    // After a 429 with Retry-After: nothing starts before nowMs + delayMs.
    void holdFor(qint64 delayMs, qint64 nowMs);

    // What the server counts for each estimated token, as learnt from usage (1 until then).
    double tokenRatio() const { return m_ratio; }
    // The most estimated tokens one request may carry so that it never needs more than the
    // tokens bucket holds; 0: no limit.
    qint64 largestRequestTokens() const;

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
        qint64 at = -1;       // < 0: not yet refilled
        double perMinute = 0; // as configured or learnt
        bool learnt = false;  // set up from the server's headers, not the profile
        void refill(qint64 now);
        qint64 delayFor(double need, qint64 now);
    };
    // A request charged and not yet answered, or answered while an earlier one is still out.
    struct Charge {
        qint64 sentAt = 0;
        double tokens = 0; // in the server's units
        double estimate = 0;
        bool open = true;
    };
    qint64 capped(qint64 delayMs) const;
    double priced(qint64 tokens) const;
    void learnRatio(double estimate, double counted);
    bool syncBucket(Bucket& bucket, std::optional<qint64> limit, std::optional<qint64> remaining,
                    std::optional<qint64> resetMs, qint64 sentAt, double later, qint64 nowMs);
    void close(std::map<qint64, Charge>::iterator it);

    qint64 m_maxWaitMs = kMaxWaitMs;
    Bucket m_requests;
    Bucket m_tokens;
    qint64 m_holdUntil = 0;
    qint64 m_requestsResetAt = 0;             // server said: none left until then
    std::optional<qint64> m_serverTokensLeft; // server's remaining tokens ...
    qint64 m_tokensResetAt = 0;               // ... until then
    double m_ratio = 1.0;
    double m_countedSum = 0; // decaying sums behind m_ratio
    double m_estimateSum = 0;
    qint64 m_nextTicket = 1;
    std::map<qint64, Charge> m_charges; // by ticket, in the order they were charged
};

} // namespace quiver
