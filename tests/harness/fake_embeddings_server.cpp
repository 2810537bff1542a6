#include "tests/harness/fake_embeddings_server.h"

#include "core/embed/token_estimate.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QPointer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <stdexcept>

namespace quiver::test {

namespace {

using Status = QHttpServerResponder::StatusCode;

// An evenly refilled bucket, like the limits providers enforce; a little tolerance absorbs
// the difference between when the client sent a request and when it arrived.
struct Bucket {
    double capacity = 0;
    double perMs = 0;
    double level = 0;
    qint64 at = 0;
    void setUp(int perMinute) {
        capacity = perMinute > 0 ? std::max(1.0, perMinute / 60.0) : 0;
        perMs = perMinute / 60000.0;
        level = capacity;
        at = 0;
    }
    void refill(qint64 now) {
        level = std::min(capacity, level + static_cast<double>(now - at) * perMs);
        at = now;
    }
    // Admits when the bucket holds what is needed (up to its capacity), like the client.
    bool take(double need, qint64 now, double tolerance) {
        if (capacity <= 0)
            return true;
        refill(now);
        if (level + tolerance < std::min(need, capacity))
            return false;
        level -= need;
        return true;
    }
    qint64 resetMs() const {
        return capacity <= 0 ? 0 : static_cast<qint64>(std::ceil((capacity - level) / perMs));
    }
};

QByteArray floatsToBase64(const std::vector<float>& v) {
    QByteArray bytes(static_cast<qsizetype>(v.size() * 4), Qt::Uninitialized);
    for (std::size_t i = 0; i < v.size(); ++i) {
        quint32 bits = 0;
        std::memcpy(&bits, &v[i], sizeof(float));
        qToLittleEndian(bits, bytes.data() + i * 4);
    }
    return bytes.toBase64();
}

} // namespace

class FakeEmbeddingsServer::Impl : public QObject {
public:
    mutable QMutex mutex;
    Config config;
    std::deque<Fault> faults;
    Stats stats;
    int inFlight = 0;
    bool holding = false;
    std::vector<std::function<void()>> held; // answers kept back while holding
    Bucket requests;
    Bucket tokens;
    QElapsedTimer clock;
    QThread thread;
    QHttpServer* server = nullptr;
    quint16 port = 0;

    void start() {
        server = new QHttpServer(this);
        server->route(QStringLiteral("/v1/embeddings"),
                      [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
                          handle(request, std::move(responder), false);
                      });
        server->route(QStringLiteral("/api/embed"),
                      [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
                          handle(request, std::move(responder), true);
                      });
        port = server->listen(QHostAddress::LocalHost, 0);
    }

    void stop() {
        held.clear(); // answers never released go with their connections
        delete server;
        server = nullptr;
    }

    void handle(const QHttpServerRequest& request, QHttpServerResponder&& responder, bool ollama) {
        auto shared = std::make_shared<QHttpServerResponder>(std::move(responder));
        QPointer<QTcpSocket> socket = shared->socket();
        QMutexLocker lock(&mutex);
        const qint64 now = clock.elapsed();
        ++stats.requests;
        stats.arrivalMs << now;
        stats.authorizations << request.value("Authorization");
        ++inFlight;
        stats.maxInFlight = std::max(stats.maxInFlight, inFlight);

        const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
        QStringList inputs;
        const QJsonValue input = body.value(QLatin1String("input"));
        if (input.isString())
            inputs << input.toString();
        for (const QJsonValue& v : input.toArray())
            inputs << v.toString();
        stats.batchSizes << static_cast<int>(inputs.size());
        const int dims = config.forcedDimensions > 0
                             ? config.forcedDimensions
                             : body.value(QLatin1String("dimensions")).toInt(config.dimensions);
        const bool base64 =
            body.value(QLatin1String("encoding_format")).toString() == QLatin1String("base64") &&
            !config.floatAnswers;
        Fault fault = Fault::None;
        if (!faults.empty()) {
            fault = faults.front();
            faults.pop_front();
        }

        Reply reply = answer(inputs, dims, base64, ollama, fault, request, now);
        const int latency = config.latencyMs;
        lock.unlock();
        QTimer::singleShot(latency, this,
                           [this, shared, socket, reply]() { send(shared, socket, reply); });
    }

    struct Reply;
    void send(const std::shared_ptr<QHttpServerResponder>& shared,
              const QPointer<QTcpSocket>& socket, const Reply& reply) {
        {
            QMutexLocker l(&mutex);
            if (holding) {
                held.push_back([this, shared, socket, reply] { send(shared, socket, reply); });
                return;
            }
            --inFlight;
        }
        if (!socket)
            return;
        if (reply.drop) {
            socket->abort();
            return;
        }
        shared->writeStatusLine(reply.status);
        shared->writeHeader("Content-Type", "application/json");
        for (const auto& [name, value] : reply.headers)
            shared->writeHeader(name, value);
        shared->writeHeader("Content-Length", QByteArray::number(reply.body.size()));
        shared->writeBody(reply.body);
    }

    struct Reply {
        Status status = Status::Ok;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        bool drop = false;
    };

    static Reply error(Status status, const QString& message, const char* type) {
        Reply r;
        r.status = status;
        r.body =
            QJsonDocument(
                QJsonObject{{QStringLiteral("error"),
                             QJsonObject{{QStringLiteral("message"), message},
                                         {QStringLiteral("type"), QString::fromLatin1(type)}}}})
                .toJson(QJsonDocument::Compact);
        return r;
    }

    // Called with the mutex held.
    Reply answer(const QStringList& inputs, int dims, bool base64, bool ollama, Fault fault,
                 const QHttpServerRequest& request, qint64 now) {
        if (!config.requiredKey.isEmpty() &&
            request.value("Authorization") != "Bearer " + config.requiredKey.toUtf8()) {
            // Like real providers, quote part of what was sent: clients must not repeat it.
            const QString sent = QString::fromUtf8(request.value("Authorization")).mid(7);
            return error(Status::Unauthorized,
                         QStringLiteral("Incorrect API key provided: %1***%2.")
                             .arg(sent.left(6), sent.right(4)),
                         "invalid_request_error");
        }
        if (fault == Fault::Unauthorized)
            return error(Status::Unauthorized, QStringLiteral("Invalid authentication"),
                         "invalid_request_error");
        if (fault == Fault::NotFound)
            return error(Status::NotFound, QStringLiteral("The model does not exist"),
                         "invalid_request_error");
        if (fault == Fault::ServerError)
            return error(Status::InternalServerError, QStringLiteral("The server had an error"),
                         "server_error");
        if (fault == Fault::Drop) {
            Reply r;
            r.drop = true;
            return r;
        }
        qint64 estimated = 0;
        for (const QString& t : inputs)
            estimated += estimateTokens(t);
        const qint64 tokenCount =
            std::llround(static_cast<double>(estimated) * config.tokensPerEstimate);
        const bool limited =
            !requests.take(1, now, 1.0) ||
            !tokens.take(static_cast<double>(tokenCount), now, tokens.capacity * 0.05);
        if (limited || fault == Fault::RateLimited) {
            if (limited)
                ++stats.rateLimited;
            Reply r =
                error(Status::TooManyRequests, QStringLiteral("Rate limit reached"), "requests");
            r.headers << std::pair{QByteArray("Retry-After"),
                                   config.retryAfter.isEmpty()
                                       ? QByteArray::number(config.retryAfterSeconds)
                                       : config.retryAfter};
            addLimitHeaders(r);
            return r;
        }
        if (config.maxInputChars > 0) {
            for (const QString& t : inputs) {
                if (t.size() > config.maxInputChars)
                    return error(Status::BadRequest,
                                 QStringLiteral("This model's maximum context length is %1 "
                                                "tokens, however you requested more")
                                     .arg(config.maxInputChars),
                                 "invalid_request_error");
            }
        }
        if (!config.rejectAllMessage.isEmpty())
            return error(Status::BadRequest, config.rejectAllMessage, "invalid_request_error");
        if (!config.rejectMarker.isEmpty()) {
            for (qsizetype i = 0; i < inputs.size(); ++i) {
                if (inputs[i].contains(config.rejectMarker))
                    return error(Status::BadRequest,
                                 QStringLiteral("Invalid 'input[%1]': the input is not valid for "
                                                "this model")
                                     .arg(i),
                                 "invalid_request_error");
            }
        }
        stats.inputs += static_cast<int>(inputs.size());
        stats.tokensCounted += tokenCount;
        for (const QString& t : inputs)
            ++stats.inputCounts[t];
        Reply r;
        addLimitHeaders(r);
        if (fault == Fault::MalformedJson) {
            r.body = "{\"data\": [ this is not json";
            return r;
        }
        std::vector<std::vector<float>> vectors;
        for (const QString& t : inputs)
            vectors.push_back(vectorFor(t, dims));
        if (fault == Fault::WrongDimensions && !vectors.empty())
            vectors.back().pop_back();
        if (fault == Fault::AllWrongDimensions) {
            for (auto& v : vectors)
                v.pop_back();
        }
        if (fault == Fault::WrongCount && !vectors.empty())
            vectors.pop_back();
        const bool nan = fault == Fault::NaN;
        if (ollama) {
            QJsonArray rows;
            for (const auto& v : vectors) {
                QJsonArray row;
                for (float x : v)
                    row.append(static_cast<double>(x));
                if (nan)
                    row[0] = QStringLiteral("NaN");
                rows.append(row);
            }
            QJsonObject answer{{QStringLiteral("model"), QStringLiteral("fake")},
                               {QStringLiteral("embeddings"), rows}};
            if (config.reportUsage)
                answer.insert(QStringLiteral("prompt_eval_count"), tokenCount);
            r.body = QJsonDocument(answer).toJson(QJsonDocument::Compact);
            return r;
        }
        QJsonArray data;
        // Reverse order: a client that ignores `index` gets the wrong vectors.
        for (int i = static_cast<int>(vectors.size()) - 1; i >= 0; --i) {
            std::vector<float> v = vectors[static_cast<std::size_t>(i)];
            // JSON cannot hold NaN, base64 can: a float answer gets a non-number instead.
            if (nan)
                v[0] = std::numeric_limits<float>::quiet_NaN();
            QJsonValue embedding;
            if (base64) {
                embedding = QString::fromLatin1(floatsToBase64(v));
            } else {
                QJsonArray values;
                for (float x : v)
                    values.append(static_cast<double>(x));
                if (nan)
                    values[0] = QStringLiteral("NaN");
                embedding = values;
            }
            data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("embedding")},
                                    {QStringLiteral("index"), i},
                                    {QStringLiteral("embedding"), embedding}});
        }
        QJsonObject answer{{QStringLiteral("object"), QStringLiteral("list")},
                           {QStringLiteral("model"), QStringLiteral("fake")},
                           {QStringLiteral("data"), data}};
        if (config.reportUsage)
            answer.insert(QStringLiteral("usage"),
                          QJsonObject{{QStringLiteral("prompt_tokens"), tokenCount},
                                      {QStringLiteral("total_tokens"), tokenCount}});
        if (config.replyPaddingBytes > 0)
            answer.insert(
                QStringLiteral("padding"),
                QString(static_cast<qsizetype>(config.replyPaddingBytes), QLatin1Char(' ')));
        r.body = QJsonDocument(answer).toJson(QJsonDocument::Compact);
        return r;
    }

    void addLimitHeaders(Reply& r) const {
        if (requests.capacity > 0) {
            r.headers << std::pair{QByteArray("x-ratelimit-limit-requests"),
                                   QByteArray::number(config.rpm)};
            r.headers << std::pair{QByteArray("x-ratelimit-remaining-requests"),
                                   QByteArray::number(std::max<qint64>(
                                       0, static_cast<qint64>(std::floor(requests.level))))};
            r.headers << std::pair{QByteArray("x-ratelimit-reset-requests"),
                                   QByteArray::number(requests.resetMs()) + "ms"};
        }
        if (tokens.capacity > 0) {
            r.headers << std::pair{QByteArray("x-ratelimit-limit-tokens"),
                                   QByteArray::number(config.tpm)};
            r.headers << std::pair{QByteArray("x-ratelimit-remaining-tokens"),
                                   QByteArray::number(std::max<qint64>(
                                       0, static_cast<qint64>(std::floor(tokens.level))))};
            r.headers << std::pair{QByteArray("x-ratelimit-reset-tokens"),
                                   QByteArray::number(tokens.resetMs()) + "ms"};
        }
    }
};

FakeEmbeddingsServer::FakeEmbeddingsServer(const Config& config)
    : d(std::make_unique<Impl>()) {
    d->clock.start();
    setConfig(config);
    d->thread.setObjectName(QStringLiteral("fake-embeddings-server"));
    d->moveToThread(&d->thread);
    d->thread.start();
    QMetaObject::invokeMethod(
        d.get(), [this]() { d->start(); }, Qt::BlockingQueuedConnection);
    if (d->port == 0)
        throw std::runtime_error("the fake embeddings server could not listen on 127.0.0.1");
}

FakeEmbeddingsServer::~FakeEmbeddingsServer() {
    QMetaObject::invokeMethod(
        d.get(), [this]() { d->stop(); }, Qt::BlockingQueuedConnection);
    d->thread.quit();
    d->thread.wait();
}

quint16 FakeEmbeddingsServer::port() const {
    return d->port;
}

QString FakeEmbeddingsServer::baseUrl() const {
    return QStringLiteral("http://127.0.0.1:%1").arg(d->port);
}

void FakeEmbeddingsServer::setConfig(const Config& config) {
    QMutexLocker lock(&d->mutex);
    d->config = config;
    d->requests.setUp(config.rpm);
    d->tokens.setUp(config.tpm);
    d->requests.at = d->tokens.at = d->clock.elapsed();
}

void FakeEmbeddingsServer::queueFaults(const QList<Fault>& faults) {
    QMutexLocker lock(&d->mutex);
    for (Fault f : faults)
        d->faults.push_back(f);
}

void FakeEmbeddingsServer::holdAnswers() {
    QMutexLocker lock(&d->mutex);
    d->holding = true;
}

void FakeEmbeddingsServer::releaseAnswers() {
    QMetaObject::invokeMethod(
        d.get(),
        [this]() {
            std::vector<std::function<void()>> answers;
            {
                QMutexLocker lock(&d->mutex);
                d->holding = false;
                answers.swap(d->held);
            }
            for (const auto& answer : answers)
                answer();
        },
        Qt::BlockingQueuedConnection);
}

FakeEmbeddingsServer::Stats FakeEmbeddingsServer::stats() const {
    QMutexLocker lock(&d->mutex);
    return d->stats;
}

void FakeEmbeddingsServer::resetStats() {
    QMutexLocker lock(&d->mutex);
    d->stats = Stats{};
    d->stats.maxInFlight = d->inFlight;
}

std::vector<float> FakeEmbeddingsServer::vectorFor(const QString& text, int dimensions) {
    // FNV-1a over the UTF-8 bytes seeds a splitmix64 stream.
    quint64 seed = 0xcbf29ce484222325ULL;
    for (const char c : text.toUtf8()) {
        seed ^= static_cast<unsigned char>(c);
        seed *= 0x100000001b3ULL;
    }
    std::vector<float> v(static_cast<std::size_t>(std::max(dimensions, 1)));
    double norm = 0;
    for (float& x : v) {
        seed += 0x9e3779b97f4a7c15ULL;
        quint64 z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        x = static_cast<float>(static_cast<double>(z >> 11) / 9007199254740992.0 * 2.0 - 1.0);
        norm += static_cast<double>(x) * static_cast<double>(x);
    }
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : v)
        x *= inv;
    return v;
}

} // namespace quiver::test
