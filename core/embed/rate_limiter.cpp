#include "core/embed/rate_limiter.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace quiver {

namespace {
void setUp(double perMinute, double& capacity, double& perMs, double& level) {
    if (perMinute <= 0)
        return;
    perMs = perMinute / 60000.0;
    capacity = std::max(1.0, perMinute / 60.0); // one second's worth
    level = capacity;
}
} // namespace

RateLimiter::RateLimiter(int requestsPerMinute, int tokensPerMinute) {
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

void RateLimiter::observe(std::optional<qint64> remainingRequests,
                          std::optional<qint64> resetRequestsMs,
                          std::optional<qint64> remainingTokens,
                          std::optional<qint64> resetTokensMs, qint64 nowMs) {
    if (remainingRequests && resetRequestsMs)
        m_requestsResetAt = *remainingRequests <= 0 ? nowMs + *resetRequestsMs : 0;
    if (remainingTokens && resetTokensMs) {
        m_serverTokensLeft = remainingTokens;
        m_tokensResetAt = nowMs + *resetTokensMs;
    }
}

void RateLimiter::holdFor(qint64 delayMs, qint64 nowMs) {
    m_holdUntil = std::max(m_holdUntil, nowMs + delayMs);
}

std::optional<qint64> RateLimiter::parseDurationMs(const QByteArray& text) {
    const QString s = QString::fromLatin1(text).trimmed();
    if (s.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double plain = s.toDouble(&ok);
    if (ok)
        return plain >= 0 ? std::optional<qint64>(std::llround(plain * 1000.0)) : std::nullopt;
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
    return std::llround(total);
}

} // namespace quiver
