#include "core/embed/http_embed_run.h"

#include "core/embed/http_embedder_private.h"
#include "core/embed/rate_limiter.h"
#include "core/embed/token_estimate.h"
#include "core/util/redact.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>

namespace quiver {

namespace {

constexpr qint64 kNoWake = std::numeric_limits<qint64>::max();

QString quotedName(const QString& name) {
    return QChar(0x201C) + name + QChar(0x201D);
}

std::optional<qint64> headerInt(QNetworkReply* reply, const char* name) {
    const QByteArray v = reply->rawHeader(name);
    bool ok = false;
    const qint64 n = v.trimmed().toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}

constexpr qint64 kMiB = 1024 * 1024;

QString mebibytes(qint64 bytes) {
    return QString::number(static_cast<double>(bytes) / static_cast<double>(kMiB), 'f', 1);
}

QString oneLine(QString text) {
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text = text.simplified();
    if (text.size() > 240)
        text = text.left(240) + QChar(0x2026);
    return text;
}

} // namespace

// One embed() call: its batches, its requests in flight and its event loop.
class HttpEmbedRun {
public:
    HttpEmbedRun(HttpEmbedder& self, const QStringList& texts, const CancelToken& cancel)
        : m_self(self)
        , m_d(*self.d)
        , m_texts(texts)
        , m_cancel(cancel)
        , m_limiter(m_d.pacing())
        , m_results(static_cast<std::size_t>(texts.size())) {
        m_remaining = static_cast<int>(texts.size());
        for (QString& t : m_texts) {
            if (t.isEmpty())
                t = QStringLiteral(" "); // servers refuse empty strings
        }
    }

    std::vector<std::vector<float>> run() {
        m_d.truncations.clear();
        if (m_cancel.isCancelled())
            throw cancelled();
        if (m_texts.isEmpty())
            return {};
        makeBatches();
        m_markAt = m_d.clock.elapsed();
        m_wake.setSingleShot(true);
        // A coarse timer may fire 5% late: on every wait for the bucket, 5% of the budget lost.
        m_wake.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_wake, &QTimer::timeout, &m_context, [this]() { pump(); });
        QObject::connect(&m_cancelPoll, &QTimer::timeout, &m_context, [this]() {
            if (m_cancel.isCancelled())
                fail(cancelled());
        });
        m_cancelPoll.start(50);
        QTimer::singleShot(0, &m_context, [this]() { pump(); });
        m_loop.exec();
        account(m_d.clock.elapsed());
        m_cancelPoll.stop();
        m_wake.stop();
        cleanUp();
        if (m_failure)
            throw *m_failure;
        std::sort(
            m_d.truncations.begin(), m_d.truncations.end(),
            [](const TruncatedInput& a, const TruncatedInput& b) { return a.index < b.index; });
        return std::move(m_results);
    }

private:
    struct Batch {
        std::vector<int> indexes;
        qint64 tokens = 0;
        int attempt = 0;
        qint64 notBefore = 0;
        qint64 ticket = 0; // the limiter's name for its latest start
    };
    struct InFlight {
        Batch batch;
        QTimer* timer = nullptr;
        bool timedOut = false;
        qint64 replyLimit = 0;
        bool oversized = false; // aborted once the answer outgrew replyLimit
    };

    const EmbeddingProfile& profile() const { return m_d.profile; }

    std::optional<qint64> retryAfterMs(QNetworkReply* reply) const {
        return RateLimiter::retryAfterMs(reply->rawHeader("Retry-After"),
                                         reply->rawHeader("retry-after-ms"),
                                         QDateTime::currentDateTimeUtc(), m_d.options.maxWaitMs);
    }

    // The most an honest answer to `inputs` inputs can weigh: every number written out as JSON
    // text takes well under 32 bytes. Bounds what a broken or hostile server can make us hold.
    qint64 replyLimit(qsizetype inputs) const {
        if (m_d.options.maxReplyBytes > 0)
            return m_d.options.maxReplyBytes;
        const int known = profile().dimensions > 0 ? profile().dimensions : m_d.dimensions;
        const qint64 dims = known > 0 ? known : 16384;
        return kMiB + static_cast<qint64>(inputs) * dims * 32;
    }

    qint64 tokenCap() const {
        qint64 cap = m_d.options.maxBatchTokens;
        if (profile().tokensPerMinute > 0)
            cap = std::min<qint64>(cap, profile().tokensPerMinute);
        return std::max<qint64>(cap, 1);
    }

    // Greedy, in input order: a batch closes at the batch size or the token cap, which is also
    // what the tokens bucket holds at once (priced at what the server counts), so that no request
    // waits for more than a full bucket nor gets refused for it.
    void makeBatches() {
        const qint64 cap = tokenCap();
        const qint64 bucket = m_limiter.largestRequestTokens();
        const qint64 batchCap = bucket > 0 ? std::min(cap, bucket) : cap;
        Batch current;
        for (int i = 0; i < m_texts.size(); ++i) {
            qint64 tokens = estimateTokens(m_texts[i]);
            // Longer than the model takes, or than one request may carry: shorten it now
            // rather than have the server refuse the whole batch. (Longer than the bucket holds
            // is no reason: it goes alone once the bucket is full.)
            const qint64 limit = std::min<qint64>(cap, profile().maxInputTokens);
            if (tokens > limit) {
                truncateTo(i, std::max<qsizetype>(1, prefixWithinTokens(m_texts[i], limit)));
                tokens = estimateTokens(m_texts[i]);
            }
            if (!current.indexes.empty() &&
                (static_cast<int>(current.indexes.size()) >= profile().batchSize ||
                 current.tokens + tokens > batchCap)) {
                m_pending.push_back(std::move(current));
                current = Batch{};
            }
            current.indexes.push_back(i);
            current.tokens += tokens;
        }
        if (!current.indexes.empty())
            m_pending.push_back(std::move(current));
    }

    void truncateTo(int index, qsizetype chars) {
        QString& t = m_texts[index];
        const auto original = static_cast<int>(originalLength(index, t.size()));
        chars = std::max<qsizetype>(1, std::min(chars, t.size()));
        if (chars < t.size() && t.at(chars - 1).isHighSurrogate())
            --chars;
        t.truncate(std::max<qsizetype>(chars, 1));
        for (TruncatedInput& rec : m_d.truncations) {
            if (rec.index == index) {
                rec.keptChars = static_cast<int>(t.size());
                return;
            }
        }
        m_d.truncations.push_back({index, original, static_cast<int>(t.size())});
    }

    qsizetype originalLength(int index, qsizetype current) const {
        for (const TruncatedInput& rec : m_d.truncations) {
            if (rec.index == index)
                return rec.originalChars;
        }
        return current;
    }

    // Adds the time since the last event to where it went: requests in flight, or none.
    void account(qint64 now) {
        const qint64 spent = std::max<qint64>(0, now - m_markAt);
        if (m_inFlight.empty())
            m_d.stats.heldMs += spent;
        else
            m_d.stats.inFlightMs += spent;
        m_markAt = now;
    }

    void pump() {
        if (m_failure || m_remaining == 0) {
            m_loop.quit();
            return;
        }
        const qint64 now = m_d.clock.elapsed();
        account(now);
        qint64 wake = kNoWake;
        while (static_cast<int>(m_inFlight.size()) < profile().concurrency && !m_pending.empty()) {
            auto it = std::min_element(
                m_pending.begin(), m_pending.end(),
                [](const Batch& a, const Batch& b) { return a.notBefore < b.notBefore; });
            if (it->notBefore > now) {
                wake = std::min(wake, it->notBefore - now);
                break;
            }
            const qint64 delay = m_limiter.delayFor(it->tokens, now);
            if (delay > 0) {
                wake = std::min(wake, delay);
                break;
            }
            it->ticket = m_limiter.consume(it->tokens, now);
            ++m_d.stats.requests;
            Batch b = std::move(*it);
            m_pending.erase(it);
            start(std::move(b));
        }
        if (wake != kNoWake)
            m_wake.start(static_cast<int>(std::min<qint64>(wake, 24 * 3600 * 1000)));
    }

    void start(Batch batch) {
        QStringList texts;
        for (int i : batch.indexes)
            texts << m_texts[i];
        QNetworkRequest request(QUrl(profile().effectiveBaseUrl() + m_self.path()));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        request.setRawHeader("Accept", "application/json");
        // A redirect could carry the Authorization header to another host: never follow one.
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
        if (!m_d.apiKey.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_d.apiKey.toUtf8());
        QNetworkReply* reply = m_d.manager().post(request, m_self.requestBody(texts));
        InFlight f{std::move(batch), new QTimer(), false, replyLimit(texts.size()), false};
        // Announced (Content-Length) or arrived, an answer past the limit is cut off at once.
        QObject::connect(reply, &QNetworkReply::downloadProgress, &m_context,
                         [this, reply](qint64 received, qint64 total) {
                             auto it = m_inFlight.find(reply);
                             if (it == m_inFlight.end() || it->second.oversized)
                                 return;
                             if (received > it->second.replyLimit ||
                                 total > it->second.replyLimit) {
                                 it->second.oversized = true;
                                 reply->abort();
                             }
                         });
        f.timer->setSingleShot(true);
        QObject::connect(f.timer, &QTimer::timeout, &m_context, [this, reply]() {
            auto it = m_inFlight.find(reply);
            if (it != m_inFlight.end()) {
                it->second.timedOut = true;
                reply->abort();
            }
        });
        f.timer->start(profile().timeoutMs);
        QObject::connect(reply, &QNetworkReply::finished, &m_context,
                         [this, reply]() { finished(reply); });
        m_inFlight.emplace(reply, std::move(f));
    }

    void finished(QNetworkReply* reply) {
        auto it = m_inFlight.find(reply);
        if (it == m_inFlight.end())
            return;
        account(m_d.clock.elapsed());
        InFlight f = std::move(it->second);
        m_inFlight.erase(it);
        delete f.timer;
        m_done.push_back(reply);
        QObject::disconnect(reply, nullptr, &m_context, nullptr);

        const qint64 now = m_d.clock.elapsed();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
        RateLimiter::ServerReport report;
        report.limitRequests = headerInt(reply, "x-ratelimit-limit-requests");
        report.remainingRequests = headerInt(reply, "x-ratelimit-remaining-requests");
        report.resetRequestsMs =
            RateLimiter::parseDurationMs(reply->rawHeader("x-ratelimit-reset-requests"));
        report.limitTokens = headerInt(reply, "x-ratelimit-limit-tokens");
        report.remainingTokens = headerInt(reply, "x-ratelimit-remaining-tokens");
        report.resetTokensMs =
            RateLimiter::parseDurationMs(reply->rawHeader("x-ratelimit-reset-tokens"));
        const qint64 ticket = f.batch.ticket;
        const QString who =
            QStringLiteral("The embeddings server of profile %1").arg(quotedName(profile().name));
        if (f.oversized) {
            fail(EmbedError(EmbedError::Kind::BadResponse,
                            QStringLiteral("%1 sent an answer larger than %2 MiB for %3 inputs, "
                                           "more than any embeddings could take; it was not read "
                                           "and nothing was stored. Check the profile's base URL "
                                           "(%4) and model (%5)")
                                .arg(who, mebibytes(f.replyLimit))
                                .arg(f.batch.indexes.size())
                                .arg(profile().effectiveBaseUrl(), profile().model)));
        } else if (f.timedOut) {
            retryOrFail(std::move(f.batch), EmbedError::Kind::Timeout, std::nullopt,
                        QStringLiteral("%1 did not answer within %2 s")
                            .arg(who)
                            .arg(profile().timeoutMs / 1000.0));
        } else if (status == 0) {
            retryOrFail(std::move(f.batch), EmbedError::Kind::Network, std::nullopt,
                        QStringLiteral("Cannot reach the embeddings server of profile %1 at %2 "
                                       "(%3)")
                            .arg(quotedName(profile().name), profile().effectiveBaseUrl(),
                                 reply->errorString()));
        } else if (status >= 200 && status < 300) {
            report.tokensCounted = accept(f.batch, body);
        } else {
            const QString message = scrub(m_self.serverMessage(body));
            const QString said =
                message.isEmpty() ? QString() : QStringLiteral(": %1").arg(message);
            if (status == 429) {
                ++m_d.stats.rateLimited;
                const std::optional<qint64> after = retryAfterMs(reply);
                if (after)
                    m_limiter.holdFor(*after, now);
                retryOrFail(std::move(f.batch), EmbedError::Kind::RateLimited, after,
                            QStringLiteral("%1 kept answering 429 (too many requests%2). Lower "
                                           "the profile's --rpm, --tpm or --concurrency, or try "
                                           "again later")
                                .arg(who, said));
            } else if (status >= 500 || status == 408) {
                retryOrFail(std::move(f.batch), EmbedError::Kind::Server, retryAfterMs(reply),
                            QStringLiteral("%1 kept failing with HTTP %2%3")
                                .arg(who)
                                .arg(status)
                                .arg(said));
            } else if (status == 401 || status == 403) {
                fail(EmbedError(EmbedError::Kind::Auth,
                                QStringLiteral("%1 answered %2%3. Check the API key: run "
                                               "'quiver-cli key set %4' or use Settings › "
                                               "Embeddings")
                                    .arg(who)
                                    .arg(status)
                                    .arg(said, profile().name)));
            } else if (status == 404) {
                fail(
                    EmbedError(EmbedError::Kind::NotFound,
                               QStringLiteral("%1 answered 404%2. Check the base URL (%3) and "
                                              "the model name (%4) of the profile")
                                   .arg(who, said, profile().effectiveBaseUrl(), profile().model)));
            } else if (status >= 300 && status < 400) {
                // Redirects are not followed: the key must not travel to another address.
                fail(EmbedError(EmbedError::Kind::Config,
                                QStringLiteral("%1 answered with a redirect (HTTP %2). Set the "
                                               "profile's base URL to the final address")
                                    .arg(who)
                                    .arg(status)));
            } else if (m_self.isInputTooLong(status, message)) {
                tooLong(std::move(f.batch), message);
            } else if (m_self.namesOneInput(status, message)) {
                fail(EmbedError(EmbedError::Kind::InputRejected,
                                QStringLiteral("%1 refused an input with HTTP %2%3")
                                    .arg(who)
                                    .arg(status)
                                    .arg(said)));
            } else {
                // Not about one input: the model, the dimensions or the encoding. Every part of
                // the batch would be refused the same way, so nothing more is sent.
                fail(EmbedError(EmbedError::Kind::RequestRejected,
                                QStringLiteral("%1 refused the request with HTTP %2%3. Nothing "
                                               "was stored; check the profile's model (%4) and "
                                               "dimensions (%5)")
                                    .arg(who)
                                    .arg(status)
                                    .arg(said, profile().model,
                                         profile().dimensions > 0
                                             ? QString::number(profile().dimensions)
                                             : QStringLiteral("the model's own"))));
            }
        }
        // Without an answer the server may or may not have counted the request: its charge
        // stays, and nothing is learnt from it.
        if (status == 0)
            m_limiter.forget(ticket);
        else
            m_limiter.observe(ticket, report, now);
        pump();
    }

    // Throws BadResponse when the answer as a whole is unusable (wrong count, every vector of
    // the wrong length), InputRejected when some vectors are (odd length, NaN): splitting the
    // batch then isolates the inputs they belong to.
    void check(const std::vector<std::vector<float>>& vectors, int count) const {
        if (static_cast<int>(vectors.size()) != count)
            throw EmbedError(
                EmbedError::Kind::BadResponse,
                QStringLiteral("%1 vectors for %2 inputs").arg(vectors.size()).arg(count));
        const auto first = static_cast<int>(vectors.front().size());
        const int expected = profile().dimensions > 0 ? profile().dimensions : m_d.dimensions;
        const int length = expected > 0 ? expected : first;
        const auto finite = [](const std::vector<float>& v) {
            return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
        };
        const auto fits = [&](const std::vector<float>& v) {
            return length > 0 && static_cast<int>(v.size()) == length && finite(v);
        };
        const auto good = std::count_if(vectors.begin(), vectors.end(), fits);
        if (good == count)
            return;
        const auto odd = std::find_if(vectors.begin(), vectors.end(), [&](const auto& v) {
            return static_cast<int>(v.size()) != length;
        });
        QString what = QStringLiteral("a vector holds NaN or infinity");
        if (length == 0)
            what = QStringLiteral("empty vectors");
        else if (odd != vectors.end())
            what = QStringLiteral("vectors of %1 dimensions where %2 were expected")
                       .arg(odd->size())
                       .arg(length);
        // None usable is the answer's fault. (A batch of one cannot be told apart from its
        // input, and counts as the input's: splitting comes down to it.)
        if (good == 0 && count > 1)
            throw EmbedError(EmbedError::Kind::BadResponse,
                             QStringLiteral("every vector unusable: %1").arg(what));
        throw EmbedError(EmbedError::Kind::InputRejected,
                         what + QStringLiteral(", for some inputs"));
    }

    // Returns what the server says the request cost, when it says.
    std::optional<qint64> accept(const Batch& batch, const QByteArray& body) {
        const int count = static_cast<int>(batch.indexes.size());
        std::vector<std::vector<float>> vectors;
        std::optional<qint64> counted;
        try {
            HttpEmbedder::Answer answer = m_self.parseResponse(body, count);
            vectors = std::move(answer.vectors);
            counted = answer.tokensCounted;
            check(vectors, count);
        } catch (const EmbedError& e) {
            const bool oneInput = e.kind() == EmbedError::Kind::InputRejected;
            fail(EmbedError(oneInput ? EmbedError::Kind::InputRejected
                                     : EmbedError::Kind::BadResponse,
                            QStringLiteral("The embeddings server of profile %1 gave an unusable "
                                           "answer (%2); nothing was stored. Check that the "
                                           "model \"%3\" is an embedding model")
                                .arg(quotedName(profile().name), e.message(), profile().model)));
            return counted;
        }
        if (m_d.dimensions == 0)
            m_d.dimensions = static_cast<int>(vectors.front().size());
        for (int k = 0; k < count; ++k) {
            m_results[static_cast<std::size_t>(batch.indexes[static_cast<std::size_t>(k)])] =
                std::move(vectors[static_cast<std::size_t>(k)]);
        }
        m_remaining -= count;
        if (counted) {
            m_d.stats.tokensEstimated += batch.tokens;
            m_d.stats.tokensCounted += *counted;
        }
        return counted;
    }

    void tooLong(Batch batch, const QString& message) {
        if (batch.indexes.size() > 1) {
            // Which input is too long is not said: halve the batch until one input is alone.
            const auto half = static_cast<std::ptrdiff_t>(batch.indexes.size() / 2);
            Batch a;
            Batch b;
            a.indexes.assign(batch.indexes.begin(), batch.indexes.begin() + half);
            b.indexes.assign(batch.indexes.begin() + half, batch.indexes.end());
            for (Batch* part : {&a, &b}) {
                for (int i : part->indexes)
                    part->tokens += estimateTokens(m_texts[i]);
                m_pending.push_front(std::move(*part));
            }
            return;
        }
        const int index = batch.indexes.front();
        const qsizetype length = m_texts[index].size();
        // The estimate let it through, so the model's tokenizer counts more: keep three quarters.
        const qsizetype target = length * 3 / 4;
        if (target < 1 || length <= 1) {
            fail(EmbedError(EmbedError::Kind::InputRejected,
                            QStringLiteral("The embeddings server of profile %1 refused input "
                                           "%2 even when shortened (%3)")
                                .arg(quotedName(profile().name))
                                .arg(index + 1)
                                .arg(message)));
            return;
        }
        truncateTo(index, target);
        batch.tokens = estimateTokens(m_texts[index]);
        m_pending.push_front(std::move(batch));
    }

    void retryOrFail(Batch batch, EmbedError::Kind kind, std::optional<qint64> retryAfter,
                     const QString& message) {
        if (batch.attempt >= profile().maxRetries) {
            fail(EmbedError(
                kind,
                QStringLiteral("%1 (gave up after %2 retries)").arg(message).arg(batch.attempt)));
            return;
        }
        ++batch.attempt;
        const double base = std::min<double>(
            m_d.options.retryMaxMs, m_d.options.retryBaseMs * std::pow(2.0, batch.attempt - 1));
        const double jitter = QRandomGenerator::global()->generateDouble();
        qint64 delay = std::llround(base * (0.5 + 0.5 * jitter));
        if (retryAfter) // already capped; a tenth more at most, and never past the cap
            delay = std::min(m_d.options.maxWaitMs,
                             *retryAfter +
                                 std::llround(static_cast<double>(*retryAfter) * 0.1 * jitter));
        batch.notBefore = m_d.clock.elapsed() + delay;
        m_pending.push_back(std::move(batch));
    }

    QString scrub(const QString& text) const { return oneLine(removeSecret(text, m_d.apiKey)); }

    EmbedError cancelled() const {
        return EmbedError(EmbedError::Kind::Cancelled, QStringLiteral("embedding cancelled"));
    }

    void fail(EmbedError error) {
        if (!m_failure)
            m_failure = EmbedError(error.kind(), removeSecret(error.message(), m_d.apiKey));
        m_loop.quit();
    }

    void cleanUp() {
        for (auto& [reply, f] : m_inFlight) {
            QObject::disconnect(reply, nullptr, &m_context, nullptr);
            m_limiter.forget(f.batch.ticket);
            reply->abort();
            delete f.timer;
            delete reply;
        }
        m_inFlight.clear();
        for (QNetworkReply* reply : m_done)
            delete reply;
        m_done.clear();
    }

    HttpEmbedder& m_self;
    HttpEmbedder::Private& m_d;
    QStringList m_texts;
    CancelToken m_cancel;
    RateLimiter& m_limiter;
    std::vector<std::vector<float>> m_results;
    int m_remaining = 0;
    std::deque<Batch> m_pending;
    std::map<QNetworkReply*, InFlight> m_inFlight;
    std::vector<QNetworkReply*> m_done;
    std::optional<EmbedError> m_failure;
    QObject m_context;
    QEventLoop m_loop;
    QTimer m_wake;
    QTimer m_cancelPoll;
    qint64 m_markAt = 0; // when account() last ran
};

std::vector<std::vector<float>> runHttpEmbed(HttpEmbedder& embedder, const QStringList& texts,
                                             const CancelToken& cancel) {
    HttpEmbedRun run(embedder, texts, cancel);
    return run.run();
}

} // namespace quiver
