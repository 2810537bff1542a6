#include "core/db/pg_connection.h"

#include "core/db/conninfo_check.h"
#include "core/db/socket_wait.h"
#include "core/util/redact.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStringList>

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <vector>

Q_LOGGING_CATEGORY(lcDb, "quiver.db")

namespace quiver {

namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kFloat4ArrayOid = 1021;
constexpr Oid kTextArrayOid = 1009;

QString trimmed(const char* message) {
    return QString::fromUtf8(message ? message : "").trimmed();
}

// libpq prints notices (e.g. "relation already exists, skipping") to stderr by default.
void noticeToLog(void*, const char* message) {
    qCDebug(lcDb).noquote() << redactSecrets(trimmed(message));
}

bool containsAny(const QString& text, std::initializer_list<const char*> needles) {
    for (const char* needle : needles) {
        if (text.contains(QLatin1String(needle), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// libpq reports connection-time failures as text only (no SQLSTATE), so the cause is read from
// the wording of libpq 13-17 and of the server's FATAL messages.
DbError::Kind classifyConnectFailure(PGconn* conn, const QString& message) {
    if (conn && PQconnectionNeedsPassword(conn))
        return DbError::Kind::Authentication;
    if (containsAny(message, {"password authentication failed", "authentication failed for user",
                              "no password supplied", "role \"", "no pg_hba.conf entry",
                              "SCRAM authentication", "server requested a password",
                              "peer authentication failed", "pg_hba.conf rejects connection"}))
        return DbError::Kind::Authentication;
    if (containsAny(message,
                    {"certificate verify failed", "SSL error", "SSL SYSCALL", "SSL connection",
                     "server does not support SSL", "root certificate file",
                     "server certificate for", "does not match host name", "certificate",
                     "sslmode value", "SSL support", "tlsv1", "SSL off"}))
        return DbError::Kind::Tls;
    if (containsAny(message,
                    {"Connection refused", "No such file or directory",
                     "could not translate host name", "timeout expired", "Network is unreachable",
                     "No route to host", "Connection timed out", "Name or service not known",
                     "Temporary failure in name resolution", "could not connect to server",
                     "Host is unreachable", "the database system is starting up",
                     "the database system is shutting down", "Permission denied"}))
        return DbError::Kind::Unreachable;
    return DbError::Kind::Connection;
}

// Text for a parameter in libpq's text format, or nullopt for NULL.
struct Param {
    QByteArray value;
    bool isNull = false;
    Oid type = 0;
    int format = 0;
};

QByteArray floatArrayLiteral(const float* data, qsizetype n) {
    QByteArray out;
    out.reserve(n * 12 + 2);
    out.append('{');
    for (qsizetype i = 0; i < n; ++i) {
        if (i)
            out.append(',');
        // 9 significant digits round-trip any float exactly.
        out.append(QByteArray::number(static_cast<double>(data[i]), 'g', 9));
    }
    out.append('}');
    return out;
}

QByteArray textArrayLiteral(const QStringList& list) {
    QByteArray out("{");
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i)
            out.append(',');
        QByteArray item = list.at(i).toUtf8();
        item.replace('\\', "\\\\").replace('"', "\\\"");
        out.append('"').append(item).append('"');
    }
    out.append('}');
    return out;
}

Param toParam(const QVariant& v, int index) {
    Param p;
    if (!v.isValid() || v.isNull()) {
        p.isNull = true;
        return p;
    }
    const QMetaType type = v.metaType();
    if (type == QMetaType::fromType<QByteArray>()) {
        p.value = v.toByteArray();
        p.type = kByteaOid;
        p.format = 1;
        return p;
    }
    if (type == QMetaType::fromType<std::vector<float>>()) {
        const auto& vec = *static_cast<const std::vector<float>*>(v.constData());
        p.value = floatArrayLiteral(vec.data(), static_cast<qsizetype>(vec.size()));
        p.type = kFloat4ArrayOid;
        return p;
    }
    if (type == QMetaType::fromType<QList<float>>()) {
        const auto& list = *static_cast<const QList<float>*>(v.constData());
        p.value = floatArrayLiteral(list.constData(), list.size());
        p.type = kFloat4ArrayOid;
        return p;
    }
    if (type == QMetaType::fromType<QStringList>()) {
        p.value = textArrayLiteral(v.toStringList());
        p.type = kTextArrayOid;
        return p;
    }
    switch (type.id()) {
    case QMetaType::Bool:
        p.value = v.toBool() ? "true" : "false";
        return p;
    case QMetaType::Int:
    case QMetaType::Short:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::SChar:
        p.value = QByteArray::number(v.toLongLong());
        return p;
    case QMetaType::UInt:
    case QMetaType::UShort:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::UChar:
        p.value = QByteArray::number(v.toULongLong());
        return p;
    case QMetaType::Float:
        p.value = QByteArray::number(static_cast<double>(v.toFloat()), 'g', 9);
        return p;
    case QMetaType::Double:
        p.value = QByteArray::number(v.toDouble(), 'g', 17);
        return p;
    case QMetaType::QString:
        p.value = v.toString().toUtf8();
        return p;
    case QMetaType::QDateTime:
        p.value = v.toDateTime().toString(Qt::ISODateWithMs).toUtf8();
        return p;
    case QMetaType::QDate:
        p.value = v.toDate().toString(Qt::ISODate).toUtf8();
        return p;
    case QMetaType::QJsonDocument:
        p.value = v.toJsonDocument().toJson(QJsonDocument::Compact);
        return p;
    case QMetaType::QJsonObject:
        p.value = QJsonDocument(v.toJsonObject()).toJson(QJsonDocument::Compact);
        return p;
    default:
        break;
    }
    if (v.canConvert<QString>()) {
        p.value = v.toString().toUtf8();
        return p;
    }
    throw DbError(DbError::Kind::Query,
                  QStringLiteral("parameter $%1 has a type the database layer cannot send: %2")
                      .arg(index + 1)
                      .arg(QString::fromUtf8(type.name())));
}

QString field(const PGresult* r, int code) {
    return r ? trimmed(PQresultErrorField(r, code)) : QString();
}

} // namespace

PgConnection::PgConnection(pg_conn* conn) noexcept
    : m_conn(conn) {}

PgConnection::~PgConnection() {
    if (m_conn)
        PQfinish(m_conn);
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : m_conn(std::exchange(other.m_conn, nullptr))
    , m_txDepth(std::exchange(other.m_txDepth, 0)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
    if (this != &other) {
        if (m_conn)
            PQfinish(m_conn);
        m_conn = std::exchange(other.m_conn, nullptr);
        m_txDepth = std::exchange(other.m_txDepth, 0);
    }
    return *this;
}

PgConnection PgConnection::open(const QString& conninfo) {
    const QByteArray info = conninfo.toUtf8();

    // Check first: libpq quotes malformed input back in its errors, and the input may hold a
    // password; the parsed password itself is needed to scrub what libpq says later.
    const QString password = checkConninfo(conninfo).password;

    // Defaults first so that the caller's string can override them; client_encoding last so
    // that it cannot.
    const char* keywords[] = {"application_name", "connect_timeout", "dbname", "client_encoding",
                              nullptr};
    const char* values[] = {"quiver", "10", info.constData(), "UTF8", nullptr};
    PGconn* conn = PQconnectdbParams(keywords, values, 1);
    if (!conn)
        throw DbError(DbError::Kind::Connection, QStringLiteral("out of memory"));

    if (PQstatus(conn) != CONNECTION_OK) {
        QString message = trimmed(PQerrorMessage(conn));
        // Classified on libpq's own words, before the password is scrubbed out of them.
        const DbError::Kind kind = classifyConnectFailure(conn, message);
        const bool badPassword = message.contains(QLatin1String("password authentication failed"));
        const bool noDatabase = message.contains(QLatin1String("database \"")) &&
                                message.contains(QLatin1String("does not exist"));
        if (password.size() >= 3)
            message.replace(password, QStringLiteral("***"));
        if (kind == DbError::Kind::Authentication && PQconnectionNeedsPassword(conn) &&
            !message.contains(QLatin1String("password"), Qt::CaseInsensitive))
            message += QStringLiteral(" (the server needs a password)");
        DbError::Target t{QString::fromUtf8(PQuser(conn)), QString::fromUtf8(PQhost(conn)),
                          QString::fromUtf8(PQport(conn)), QString::fromUtf8(PQdb(conn))};
        PQfinish(conn);
        QString sqlState;
        if (badPassword)
            sqlState = QStringLiteral("28P01");
        else if (kind == DbError::Kind::Connection && noDatabase)
            sqlState = QStringLiteral("3D000");
        throw DbError(kind, message, sqlState, std::move(t));
    }
    PQsetNoticeProcessor(conn, &noticeToLog, nullptr);
    return PgConnection(conn);
}

DbError::Target PgConnection::target() const {
    if (!m_conn)
        return {};
    return {QString::fromUtf8(PQuser(m_conn)), QString::fromUtf8(PQhost(m_conn)),
            QString::fromUtf8(PQport(m_conn)), QString::fromUtf8(PQdb(m_conn))};
}

void PgConnection::throwQueryError(pg_result* result, const char* what) const {
    const QString sqlState = field(result, PG_DIAG_SQLSTATE);
    QString primary = field(result, PG_DIAG_MESSAGE_PRIMARY);
    if (primary.isEmpty())
        primary = result ? trimmed(PQresultErrorMessage(result)) : QString();
    if (primary.isEmpty())
        primary = trimmed(m_conn ? PQerrorMessage(m_conn) : "no connection to the server");
    if (primary.isEmpty())
        primary = QString::fromUtf8(what);
    QString detail = field(result, PG_DIAG_MESSAGE_DETAIL);
    // "Failing row contains (...)" repeats the row's values, which may be secrets that a CHECK
    // rejected; the constraint name in the primary message is enough.
    if (detail.startsWith(QLatin1String("Failing row contains")))
        detail.clear();
    const QString hint = field(result, PG_DIAG_MESSAGE_HINT);
    if (!hint.isEmpty())
        detail += (detail.isEmpty() ? QString() : QStringLiteral("\n")) + hint;
    if (result)
        PQclear(result);

    const bool lost = !m_conn || PQstatus(m_conn) == CONNECTION_BAD;
    // 57P01..57P03: the backend was terminated or the server is shutting down.
    const bool terminated = sqlState.startsWith(QLatin1String("57P"));
    DbError e(lost || terminated ? DbError::Kind::Closed : DbError::Kind::Query, primary, sqlState,
              target());
    e.setDetail(detail);
    throw e;
}

PgResult PgConnection::exec(const QString& sql, const QVariantList& params) {
    if (!m_conn)
        throw DbError(DbError::Kind::Closed, QStringLiteral("no connection to the server"));
    std::vector<Param> converted;
    converted.reserve(static_cast<size_t>(params.size()));
    for (qsizetype i = 0; i < params.size(); ++i)
        converted.push_back(toParam(params.at(i), static_cast<int>(i)));
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    std::vector<Oid> types;
    for (const Param& p : converted) {
        values.push_back(p.isNull ? nullptr : p.value.constData());
        lengths.push_back(static_cast<int>(p.value.size()));
        formats.push_back(p.format);
        types.push_back(p.type);
    }
    const QByteArray query = sql.toUtf8();
    PGresult* r = PQexecParams(m_conn, query.constData(), static_cast<int>(converted.size()),
                               types.data(), values.data(), lengths.data(), formats.data(), 0);
    const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return PgResult(r);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) {
        PQclear(r);
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("COPY must go through copyIn(), not exec()"));
    }
    throwQueryError(r, "query failed");
}

void PgConnection::execScript(const QString& sql) {
    if (!m_conn)
        throw DbError(DbError::Kind::Closed, QStringLiteral("no connection to the server"));
    const QByteArray script = sql.toUtf8();
    PGresult* r = PQexec(m_conn, script.constData());
    const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
        PQclear(r);
        return;
    }
    throwQueryError(r, "script failed");
}

void PgConnection::beginTransaction() {
    if (m_txDepth == 0)
        exec(QStringLiteral("BEGIN"));
    else
        exec(QStringLiteral("SAVEPOINT quiver_sp_%1").arg(m_txDepth));
    ++m_txDepth;
}

void PgConnection::commitTransaction() {
    if (m_txDepth <= 0)
        throw DbError(DbError::Kind::Query, QStringLiteral("commit without a transaction"));
    // COMMIT of a failed transaction silently rolls back; report it instead, e.g. when the body
    // swallowed the error of one of its statements.
    if (m_conn && PQtransactionStatus(m_conn) == PQTRANS_INERROR) {
        rollbackTransaction();
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("the transaction was rolled back: a statement in it failed"),
                      QStringLiteral("25P02"), target());
    }
    try {
        if (m_txDepth == 1)
            exec(QStringLiteral("COMMIT"));
        else
            exec(QStringLiteral("RELEASE SAVEPOINT quiver_sp_%1").arg(m_txDepth - 1));
        --m_txDepth;
    } catch (...) {
        rollbackTransaction();
        throw;
    }
}

void PgConnection::rollbackTransaction() noexcept {
    if (m_txDepth <= 0)
        return;
    --m_txDepth;
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK)
        return;
    const QByteArray sql =
        m_txDepth == 0
            ? QByteArrayLiteral("ROLLBACK")
            : QByteArray("ROLLBACK TO SAVEPOINT quiver_sp_" + QByteArray::number(m_txDepth) +
                         "; RELEASE SAVEPOINT quiver_sp_" + QByteArray::number(m_txDepth));
    PGresult* r = PQexec(m_conn, sql.constData());
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        qCWarning(lcDb).noquote() << "rollback failed:"
                                  << redactSecrets(trimmed(PQerrorMessage(m_conn)));
    PQclear(r);
}

qint64 PgConnection::copyIn(const QString& copySql,
                            const std::function<bool(QByteArray& chunk)>& next) {
    if (!m_conn)
        throw DbError(DbError::Kind::Closed, QStringLiteral("no connection to the server"));
    const QByteArray query = copySql.toUtf8();
    PGresult* start =
        PQexecParams(m_conn, query.constData(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    if (PQresultStatus(start) != PGRES_COPY_IN) {
        if (PQresultStatus(start) == PGRES_COMMAND_OK || PQresultStatus(start) == PGRES_TUPLES_OK) {
            PQclear(start);
            throw DbError(DbError::Kind::Query,
                          QStringLiteral("copyIn() needs a COPY ... FROM STDIN statement"));
        }
        throwQueryError(start, "COPY failed to start");
    }
    PQclear(start);

    // Drains the results that end the copy; returns the final one.
    const auto finish = [this](const char* errormsg) -> PGresult* {
        if (PQputCopyEnd(m_conn, errormsg) != 1 && !errormsg)
            qCDebug(lcDb) << "PQputCopyEnd failed";
        PGresult* last = nullptr;
        while (PGresult* r = PQgetResult(m_conn)) {
            if (last)
                PQclear(last);
            last = r;
            if (PQresultStatus(r) == PGRES_COPY_IN) // still copying: the end was not accepted
                break;
        }
        return last;
    };

    QByteArray chunk;
    bool more = true;
    while (more) {
        chunk.clear();
        try {
            more = next(chunk);
        } catch (...) {
            PGresult* r = finish("the client stopped the copy");
            if (r)
                PQclear(r);
            throw;
        }
        if (chunk.isEmpty())
            continue;
        if (PQputCopyData(m_conn, chunk.constData(), static_cast<int>(chunk.size())) != 1) {
            // The server already refused the data (or the connection broke): end the copy and
            // report what the server said.
            PGresult* r = finish(PQerrorMessage(m_conn));
            if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
                PQclear(r);
                r = nullptr;
            }
            throwCopyError(r);
        }
    }
    PGresult* r = finish(nullptr);
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
        const char* n = PQcmdTuples(r);
        const qint64 rows = (n && *n) ? QByteArray(n).toLongLong() : 0;
        PQclear(r);
        return rows;
    }
    throwCopyError(r);
}

qint64 PgConnection::copyOut(const QString& copySql,
                             const std::function<bool(const char* data, int size)>& sink) {
    if (!m_conn)
        throw DbError(DbError::Kind::Closed, QStringLiteral("no connection to the server"));
    const QByteArray query = copySql.toUtf8();
    PGresult* start =
        PQexecParams(m_conn, query.constData(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    if (PQresultStatus(start) != PGRES_COPY_OUT) {
        if (PQresultStatus(start) == PGRES_COMMAND_OK || PQresultStatus(start) == PGRES_TUPLES_OK) {
            PQclear(start);
            throw DbError(DbError::Kind::Query,
                          QStringLiteral("copyOut() needs a COPY ... TO STDOUT statement"));
        }
        throwQueryError(start, "COPY failed to start");
    }
    PQclear(start);

    bool cancelled = false;
    std::exception_ptr sinkError;
    for (;;) {
        char* buffer = nullptr;
        const int n = PQgetCopyData(m_conn, &buffer, 0);
        if (n < 0)
            break; // -1: done, -2: error; the final result below says which
        if (!cancelled && !sinkError) {
            try {
                if (!sink(buffer, n)) {
                    cancelled = true;
                }
            } catch (...) {
                sinkError = std::current_exception();
            }
            if (cancelled || sinkError) {
                // Ask the server to stop sending; what is already in flight is drained below.
                if (PGcancel* cancel = PQgetCancel(m_conn)) {
                    char err[256];
                    PQcancel(cancel, err, sizeof err);
                    PQfreeCancel(cancel);
                }
            }
        }
        PQfreemem(buffer);
    }
    PGresult* last = nullptr;
    while (PGresult* r = PQgetResult(m_conn)) {
        if (last)
            PQclear(last);
        last = r;
    }
    if (sinkError) {
        if (last)
            PQclear(last);
        std::rethrow_exception(sinkError);
    }
    if (cancelled) {
        if (last)
            PQclear(last);
        return -1;
    }
    if (last && PQresultStatus(last) == PGRES_COMMAND_OK) {
        const char* n = PQcmdTuples(last);
        const qint64 rows = (n && *n) ? QByteArray(n).toLongLong() : 0;
        PQclear(last);
        return rows;
    }
    throwCopyError(last);
}

// A failed COPY is reported as Kind::Copy with the server's message, unless the connection
// itself was lost.
void PgConnection::throwCopyError(pg_result* result) const {
    try {
        throwQueryError(result, "COPY failed");
    } catch (const DbError& e) {
        if (e.kind() == DbError::Kind::Closed)
            throw;
        DbError copyError(DbError::Kind::Copy, e.message(), e.sqlState(), target());
        copyError.setDetail(e.detail());
        throw copyError;
    }
}

QByteArray PgConnection::copyTextField(const QString& value) {
    QByteArray out = value.toUtf8();
    // Most fields have nothing to escape: they go out as they are. Otherwise runs of plain
    // bytes are copied whole; bulk imports spend real time here.
    const auto special = [](char c) { return c == '\\' || c == '\t' || c == '\n' || c == '\r'; };
    const char* begin = out.constData();
    const char* end = begin + out.size();
    const char* first = std::find_if(begin, end, special);
    if (first == end)
        return out;
    QByteArray escaped;
    escaped.reserve(out.size() + out.size() / 16 + 8);
    const char* run = begin;
    for (const char* p = first; p != end; p = std::find_if(p + 1, end, special)) {
        escaped.append(run, p - run);
        switch (*p) {
        case '\\':
            escaped.append("\\\\", 2);
            break;
        case '\t':
            escaped.append("\\t", 2);
            break;
        case '\n':
            escaped.append("\\n", 2);
            break;
        default:
            escaped.append("\\r", 2);
            break;
        }
        run = p + 1;
    }
    escaped.append(run, end - run);
    return escaped;
}

QByteArray PgConnection::copyTextField(const std::optional<QString>& value) {
    return value ? copyTextField(*value) : QByteArrayLiteral("\\N");
}

QString PgConnection::quoteIdentifier(const QString& name) const {
    if (!m_conn)
        throw DbError(DbError::Kind::Closed, QStringLiteral("no connection to the server"));
    const QByteArray bytes = name.toUtf8();
    char* quoted = PQescapeIdentifier(m_conn, bytes.constData(), static_cast<size_t>(bytes.size()));
    if (!quoted)
        throw DbError(DbError::Kind::Query, trimmed(PQerrorMessage(m_conn)));
    QString out = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return out;
}

// LISTEN and UNLISTEN take an identifier, not a bind parameter, hence the quoting.
void PgConnection::listen(const QString& channel) {
    exec(QStringLiteral("LISTEN ") + quoteIdentifier(channel));
}

void PgConnection::unlisten(const QString& channel) {
    exec(QStringLiteral("UNLISTEN ") + quoteIdentifier(channel));
}

void PgConnection::notify(const QString& channel, const QString& payload) {
    exec(QStringLiteral("SELECT pg_notify($1, $2)"), {channel, payload});
}

std::optional<PgConnection::Notification> PgConnection::nextNotification(int timeoutMs) {
    if (!m_conn)
        throw DbError(DbError::Kind::Closed, QStringLiteral("no connection to the server"));
    const QDeadlineTimer deadline(qMax(0, timeoutMs));
    for (;;) {
        if (PQconsumeInput(m_conn) != 1 || PQstatus(m_conn) == CONNECTION_BAD)
            throw DbError(DbError::Kind::Closed, trimmed(PQerrorMessage(m_conn)), {}, target());
        if (PGnotify* n = PQnotifies(m_conn)) {
            Notification out{QString::fromUtf8(n->relname), QString::fromUtf8(n->extra), n->be_pid};
            PQfreemem(n);
            return out;
        }
        const qint64 remaining = deadline.remainingTime();
        if (remaining <= 0)
            return std::nullopt;
        const int socket = PQsocket(m_conn);
        if (socket < 0)
            throw DbError(DbError::Kind::Closed, QStringLiteral("the connection has no socket"), {},
                          target());
        int error = 0;
        if (waitForReadable(socket, static_cast<int>(remaining), error) < 0)
            throw DbError(DbError::Kind::Closed,
                          QStringLiteral("waiting on the connection failed: %1")
                              .arg(QString::fromLocal8Bit(socketErrorText(error))),
                          {}, target());
    }
}

int PgConnection::socketDescriptor() const {
    return m_conn ? PQsocket(m_conn) : -1;
}

bool PgConnection::isOpen() const {
    return m_conn && PQstatus(m_conn) == CONNECTION_OK;
}

int PgConnection::serverVersionNumber() const {
    return m_conn ? PQserverVersion(m_conn) : 0;
}

QString PgConnection::serverVersion() const {
    const char* v = m_conn ? PQparameterStatus(m_conn, "server_version") : nullptr;
    if (!v)
        return {};
    // "15.20 (Debian 15.20-0+deb12u1)" -> "PostgreSQL 15.20"
    return QStringLiteral("PostgreSQL ") + QString::fromUtf8(v).section(QLatin1Char(' '), 0, 0);
}

QString PgConnection::describe() const {
    if (!m_conn)
        return QStringLiteral("(not connected)");
    const DbError::Target t = target();
    return QStringLiteral("%1@%2:%3/%4").arg(t.user, t.host, t.port, t.database);
}

int PgConnection::backendPid() const {
    return m_conn ? PQbackendPID(m_conn) : 0;
}

} // namespace quiver
