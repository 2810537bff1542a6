#include "core/embed/rate_limiter.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace quiver {

namespace {
// Where parsed durations saturate: every whole number of milliseconds below it is exact in a
// double, and adding it to a clock reading cannot overflow.
constexpr qint64 kSaturateMs = qint64{1} << 53;
// How far what a server says it counted may move the price of a token: a broken or hostile
// answer ("0 tokens", "10^15 tokens") must not stall the pacing nor let it run wild.
constexpr double kMaxRatio = 16.0;
// Each new usage figure weighs a quarter against what came before: one odd batch does not swing
// the price, and a change of texts is followed within a few requests.
constexpr double kRatioDecay = 0.75;
// Charges remembered at most; a limiter that never hears back (no answers observed) forgets the
// oldest.
constexpr std::size_t kMaxCharges = 4096;

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
    m_requests.perMinute = std::max(0, requestsPerMinute);
    m_tokens.perMinute = std::max(0, tokensPerMinute);
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
    // Saturates rather than overflowing, however deep the debt.
    return clampWaitMs(std::ceil((want - level) / perMs), kSaturateMs).value_or(0);
}

double RateLimiter::priced(qint64 tokens) const {
    return static_cast<double>(std::max<qint64>(0, tokens)) * m_ratio;
}

qint64 RateLimiter::largestRequestTokens() const {
    if (m_tokens.capacity <= 0)
        return 0;
    return std::max<qint64>(1, static_cast<qint64>(std::floor(m_tokens.capacity / m_ratio)));
}

qint64 RateLimiter::delayFor(qint64 tokens, qint64 nowMs) {
    qint64 wait = std::max<qint64>(0, m_holdUntil - nowMs);
    wait = std::max(wait, m_requests.delayFor(1, nowMs));
    wait = std::max(wait, m_tokens.delayFor(priced(tokens), nowMs));
    if (m_requestsResetAt > nowMs)
        wait = std::max(wait, m_requestsResetAt - nowMs);
    if (m_serverTokensLeft && static_cast<double>(*m_serverTokensLeft) < priced(tokens) &&
        m_tokensResetAt > nowMs)
        wait = std::max(wait, m_tokensResetAt - nowMs);
    return wait;
}

qint64 RateLimiter::consume(qint64 tokens, qint64 nowMs) {
    const double cost = priced(tokens);
    if (m_requests.capacity > 0) {
        m_requests.refill(nowMs);
        m_requests.level -= 1;
    }
    if (m_tokens.capacity > 0) {
        m_tokens.refill(nowMs);
        m_tokens.level -= cost;
    }
    if (m_serverTokensLeft)
        *m_serverTokensLeft -= std::llround(cost);
    const qint64 ticket = m_nextTicket++;
    m_charges.emplace(ticket,
                      Charge{nowMs, cost, static_cast<double>(std::max<qint64>(0, tokens)), true});
    while (m_charges.size() > kMaxCharges)
        m_charges.erase(m_charges.begin());
    return ticket;
}

void RateLimiter::learnRatio(double estimate, double counted) {
    if (estimate <= 0)
        return;
    m_countedSum = m_countedSum * kRatioDecay + counted;
    m_estimateSum = m_estimateSum * kRatioDecay + estimate;
    m_ratio = std::clamp(m_countedSum / m_estimateSum, 1.0 / kMaxRatio, kMaxRatio);
}

void RateLimiter::observe(qint64 ticket, const ServerReport& report, qint64 nowMs) {
    const auto it = m_charges.find(ticket);
    if (it == m_charges.end()) {
        observe(report.remainingRequests, report.resetRequestsMs, report.remainingTokens,
                report.resetTokensMs, nowMs);
        return;
    }
    Charge& charge = it->second;
    if (report.tokensCounted && charge.estimate > 0) {
        // The server's count replaces our guess: the bucket pays (or gets back) the difference.
        const double counted = std::clamp(static_cast<double>(*report.tokensCounted),
                                          charge.estimate / kMaxRatio, charge.estimate * kMaxRatio);
        const double difference = counted - charge.tokens;
        if (m_tokens.capacity > 0) {
            m_tokens.refill(nowMs);
            m_tokens.level -= difference;
        }
        if (m_serverTokensLeft)
            *m_serverTokensLeft -= std::llround(difference);
        charge.tokens = counted;
        learnRatio(charge.estimate, counted);
    }
    // What was charged after this request left: the server's figures do not include it yet.
    double laterRequests = 0;
    double laterTokens = 0;
    for (auto next = std::next(it); next != m_charges.end(); ++next) {
        laterRequests += 1;
        laterTokens += next->second.tokens;
    }
    const bool requestsSynced =
        syncBucket(m_requests, report.limitRequests, report.remainingRequests,
                   report.resetRequestsMs, charge.sentAt, laterRequests, nowMs);
    const bool tokensSynced = syncBucket(m_tokens, report.limitTokens, report.remainingTokens,
                                         report.resetTokensMs, charge.sentAt, laterTokens, nowMs);
    observe(requestsSynced ? std::nullopt : report.remainingRequests,
            requestsSynced ? std::nullopt : report.resetRequestsMs,
            tokensSynced ? std::nullopt : report.remainingTokens,
            tokensSynced ? std::nullopt : report.resetTokensMs, nowMs);
    close(it);
}

void RateLimiter::forget(qint64 ticket) {
    const auto it = m_charges.find(ticket);
    if (it != m_charges.end())
        close(it);
}

void RateLimiter::close(std::map<qint64, Charge>::iterator it) {
    it->second.open = false;
    while (!m_charges.empty() && !m_charges.begin()->second.open)
        m_charges.erase(m_charges.begin());
}

// The server's level is known as of when it admitted the request, some time between sentAt and
// now: between `remaining` (admitted just now) and `remaining` plus what refilled since sentAt,
// less whatever we charged after sentAt. A level of ours above that range is lowered (the server
// counts more than we do, or others share the key); one below is raised only when the server's
// limit is no higher than ours, so that a limit the user chose below the provider's holds.
// Returns false when the bucket cannot be modelled (no limit known on either side): the caller
// then falls back to waiting for the reset.
bool RateLimiter::syncBucket(Bucket& bucket, std::optional<qint64> limit,
                             std::optional<qint64> remaining, std::optional<qint64> resetMs,
                             qint64 sentAt, double later, qint64 nowMs) {
    if (!remaining)
        return false;
    const bool limitKnown = limit && *limit > 0;
    if (!limitKnown && bucket.capacity <= 0)
        return false;
    const double left = static_cast<double>(std::max<qint64>(0, *remaining));
    const double serverPerMinute =
        limitKnown ? static_cast<double>(std::min<qint64>(*limit, kSaturateMs)) : bucket.perMinute;
    const double serverPerMs = serverPerMinute / 60000.0;
    // Full again after the reset; a bucket refilled over more than a minute is not believed.
    const double resetFor =
        resetMs ? static_cast<double>(std::min<qint64>(*resetMs, 60000)) : 60000.0;
    // At least a second's worth, like ours: "none left, full in 0 ms" must not shrink batches
    // to one token.
    const double serverCapacity =
        std::max({1.0, serverPerMinute / 60.0, left + resetFor * serverPerMs});
    if (bucket.capacity <= 0 || bucket.learnt) {
        // No limit of our own: the server's is the pace.
        if (!bucket.learnt || bucket.perMinute != serverPerMinute) {
            bucket.perMinute = serverPerMinute;
            bucket.perMs = serverPerMs;
            bucket.learnt = true;
        }
        bucket.capacity = serverCapacity;
        bucket.at = nowMs;
        bucket.level = std::min(serverCapacity, left - later);
        return true;
    }
    // A server whose limit is below ours sets the pace: ours cannot be had.
    if (limitKnown && serverPerMs < bucket.perMs)
        bucket.perMs = serverPerMs;
    const double elapsed = static_cast<double>(std::max<qint64>(0, nowMs - sentAt));
    const double low = left - later;
    const double high = std::min(serverCapacity, left + elapsed * serverPerMs) - later;
    bucket.refill(nowMs);
    if (bucket.level > high)
        bucket.level = high;
    else if (bucket.level < low && limitKnown && serverPerMinute <= bucket.perMinute)
        bucket.level = std::min(bucket.capacity, low);
    return true;
}

qint64 RateLimiter::capped(qint64 delayMs) const {
    return std::clamp<qint64>(delayMs, 0, m_maxWaitMs);
}

void RateLimiter::observe(std::optional<qint64> remainingRequests,
                          std::optional<qint64> resetRequestsMs,
                          std::optional<qint64> remainingTokens,
                          std::optional<qint64> resetTokensMs, qint64 nowMs) {
    // Where a bucket of ours exists, the headers bound its level as of now (nothing charged
    // since); else, with nothing to model, none left means waiting for the reset.
    if (m_requests.capacity > 0) {
        syncBucket(m_requests, std::nullopt, remainingRequests, resetRequestsMs, nowMs, 0, nowMs);
    } else if (remainingRequests && resetRequestsMs) {
        m_requestsResetAt = *remainingRequests <= 0 ? nowMs + capped(*resetRequestsMs) : 0;
    }
    if (m_tokens.capacity > 0) {
        syncBucket(m_tokens, std::nullopt, remainingTokens, resetTokensMs, nowMs, 0, nowMs);
    } else if (remainingTokens && resetTokensMs) {
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
