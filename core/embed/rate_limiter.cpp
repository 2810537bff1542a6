#include "core/embed/rate_limiter.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace quiver {

namespace {
// Where parsed durations saturate: every whole number of milliseconds below it is exact in a
// double, and adding it to a clock reading cannot overflow.
constexpr qint64 kSaturateMs = qint64{1} << 53;

void setUp(double perMinute, double& capacity, double& perMs, double& level) {
    if (perMinute <= 0)
        return;
    perMs = perMinute / 60000.0;
    capacity = std::max(1.0, perMinute / 60.0); // one second's worth
    level = capacity;
}
} // namespace

RateLimiter::RateLimiter(int requestsPerMinute, int tokensPerMinute, qint64 maxWaitMs)
    : m_maxWaitMs(std::max<qint64>(0, maxWaitMs)) {
    setUp(requestsPerMinute, m_requests.capacity, m_requests.perMs, m_requests.level);
    setUp(tokensPerMinute, m_tokens.capacity, m_tokens.perMs, m_tokens.level);
}

void RateLimiter::Bucket::refill(qint64 now) {
    if (capacity <= 0)
        return;
    if (at < 0)
        at = now;
    level = std::min(capacity, level + static_cast<double>(now - at) * perMs);
    at = now;
}

qint64 RateLimiter::Bucket::delayFor(double need, qint64 now) {
    if (capacity <= 0)
        return 0;
    refill(now);
    const double want = std::min(need, capacity);
    if (level >= want)
        return 0;
    return static_cast<qint64>(std::ceil((want - level) / perMs));
}

qint64 RateLimiter::delayFor(qint64 tokens, qint64 nowMs) {
    qint64 wait = std::max<qint64>(0, m_holdUntil - nowMs);
    wait = std::max(wait, m_requests.delayFor(1, nowMs));
    wait = std::max(wait, m_tokens.delayFor(static_cast<double>(tokens), nowMs));
    if (m_requestsResetAt > nowMs)
        wait = std::max(wait, m_requestsResetAt - nowMs);
    if (m_serverTokensLeft && *m_serverTokensLeft < tokens && m_tokensResetAt > nowMs)
        wait = std::max(wait, m_tokensResetAt - nowMs);
    return wait;
}

void RateLimiter::consume(qint64 tokens, qint64 nowMs) {
    if (m_requests.capacity > 0) {
        m_requests.refill(nowMs);
        m_requests.level -= 1;
    }
    if (m_tokens.capacity > 0) {
        m_tokens.refill(nowMs);
        m_tokens.level -= static_cast<double>(tokens);
    }
    if (m_serverTokensLeft)
        *m_serverTokensLeft -= tokens;
}

qint64 RateLimiter::capped(qint64 delayMs) const {
    return std::clamp<qint64>(delayMs, 0, m_maxWaitMs);
}

void RateLimiter::observe(std::optional<qint64> remainingRequests,
                          std::optional<qint64> resetRequestsMs,
                          std::optional<qint64> remainingTokens,
                          std::optional<qint64> resetTokensMs, qint64 nowMs) {
    if (remainingRequests && resetRequestsMs)
        m_requestsResetAt = *remainingRequests <= 0 ? nowMs + capped(*resetRequestsMs) : 0;
    if (remainingTokens && resetTokensMs) {
        m_serverTokensLeft = remainingTokens;
        m_tokensResetAt = nowMs + capped(*resetTokensMs);
    }
}

void RateLimiter::holdFor(qint64 delayMs, qint64 nowMs) {
    m_holdUntil = std::max(m_holdUntil, nowMs + capped(delayMs));
}

std::optional<qint64> RateLimiter::clampWaitMs(double ms, qint64 maxWaitMs) {
    if (std::isnan(ms))
        return std::nullopt;
    // Compared as doubles before converting: llround of 1e300 is undefined.
    if (ms <= 0)
        return qint64{0};
    if (ms >= static_cast<double>(maxWaitMs))
        return maxWaitMs;
    return std::llround(ms);
}

std::optional<qint64> RateLimiter::retryAfterMs(const QByteArray& retryAfter,
                                                const QByteArray& retryAfterMillis,
                                                const QDateTime& nowUtc, qint64 maxWaitMs) {
    bool ok = false;
    const double millis = retryAfterMillis.trimmed().toDouble(&ok);
    if (ok && !std::isnan(millis))
        return clampWaitMs(millis, maxWaitMs);
    const QByteArray v = retryAfter.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    const double seconds = v.toDouble(&ok);
    if (ok)
        return clampWaitMs(seconds * 1000.0, maxWaitMs);
    // An HTTP date ("Fri, 31 Dec 9999 23:59:59 GMT"): RFC 2822 with the zone as a number.
    QString date = QString::fromLatin1(v);
    if (date.endsWith(QLatin1String(" GMT")) || date.endsWith(QLatin1String(" UTC")))
        date = date.chopped(4) + QStringLiteral(" +0000");
    const QDateTime when = QDateTime::fromString(date, Qt::RFC2822Date);
    if (when.isValid())
        return clampWaitMs(static_cast<double>(nowUtc.msecsTo(when)), maxWaitMs);
    return std::nullopt;
}

std::optional<qint64> RateLimiter::parseDurationMs(const QByteArray& text) {
    const QString s = QString::fromLatin1(text).trimmed();
    if (s.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double plain = s.toDouble(&ok);
    if (ok)
        return plain >= 0 ? clampWaitMs(plain * 1000.0, kSaturateMs) : std::nullopt;
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(ms|h|m|s)"));
    double total = 0;
    qsizetype consumed = 0;
    for (auto it = part.globalMatch(s); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedStart() != consumed)
            return std::nullopt;
        consumed = m.capturedEnd();
        const double v = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        if (unit == QLatin1String("ms"))
            total += v;
        else if (unit == QLatin1String("s"))
            total += v * 1000.0;
        else if (unit == QLatin1String("m"))
            total += v * 60000.0;
        else
            total += v * 3600000.0;
    }
    if (consumed != s.size())
        return std::nullopt;
    return clampWaitMs(total, kSaturateMs);
}

} // namespace quiver
