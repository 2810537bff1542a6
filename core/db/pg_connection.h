#pragma once

#include "core/db/db_error.h"
#include "core/db/pg_result.h"

#include <QByteArray>
#include <QString>
#include <QVariantList>

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

struct pg_conn; // libpq's PGconn

namespace quiver {

// One libpq connection. Move-only; one per thread, never shared across threads. Every method
// blocks; call them off the GUI thread. Failures throw DbError.
class PgConnection {
public:
    struct Notification {
        QString channel;
        QString payload;
        int backendPid = 0;
    };

    // Throws DbError classified by cause (Authentication, Unreachable, Tls, Connection).
    // application_name defaults to "quiver" and connect_timeout to 10 s unless conninfo sets
    // them; client_encoding is always UTF8. conninfo may be key=value or a postgresql:// URL.
    static PgConnection open(const QString& conninfo);

    PgConnection() = default;
    ~PgConnection();
    PgConnection(PgConnection&& other) noexcept;
    PgConnection& operator=(PgConnection&& other) noexcept;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Always PQexecParams. QVariant() -> NULL; QByteArray -> binary bytea; numbers, strings,
    // bool, QDateTime, QJsonDocument/QJsonObject -> text; QList<float>, std::vector<float>
    // -> real[]; QStringList -> text[].
    PgResult exec(const QString& sql, const QVariantList& params = {});

    // Fixed DDL only (migrations): multi-statement PQexec, never with user data.
    void execScript(const QString& sql);

    // BEGIN; f(); COMMIT — ROLLBACK and rethrow on exception. f may take PgConnection&.
    // Nested calls become savepoints. Returns what f returns.
    template <typename F>
    decltype(auto) transaction(F&& f);

    // COPY ... FROM STDIN (text or binary format); streams chunks until next() returns false.
    // Returns the rows copied. On failure the copy is ended with PQputCopyEnd(errormsg), so
    // nothing is half-copied, and DbError(Kind::Copy, server message) is thrown.
    qint64 copyIn(const QString& copySql, const std::function<bool(QByteArray& chunk)>& next);

    // COPY ... TO STDOUT (any format); hands each row's bytes (for binary format: the header,
    // then one tuple per call) to sink until the server ends the copy. Returns the rows copied.
    // When sink returns false the query is cancelled on the server and the remaining data is
    // discarded; copyOut then returns -1. Failures throw DbError(Kind::Copy).
    qint64 copyOut(const QString& copySql,
                   const std::function<bool(const char* data, int size)>& sink);

    // One field for COPY text format, UTF-8, with \ \t \n \r escaped; nullopt -> \N.
    static QByteArray copyTextField(const QString& value);
    static QByteArray copyTextField(const std::optional<QString>& value);

    // The channel is quoted as an identifier, so any name is safe.
    void listen(const QString& channel);
    void unlisten(const QString& channel);
    void notify(const QString& channel, const QString& payload);
    // Consumes input and returns the next pending notification, waiting on the socket up to
    // timeoutMs (0 = no wait). Throws DbError(Kind::Closed) if the connection is lost.
    std::optional<Notification> nextNotification(int timeoutMs);

    int socketDescriptor() const;
    bool isOpen() const;
    int serverVersionNumber() const; // e.g. 150020
    QString serverVersion() const;   // "PostgreSQL 15.20"
    QString describe() const;        // "user@host:port/db", never the password
    int backendPid() const;

    // Used by transaction(); public for code that cannot use a callable.
    void beginTransaction();
    void commitTransaction();
    void rollbackTransaction() noexcept;
    int transactionDepth() const { return m_txDepth; }

    pg_conn* handle() const { return m_conn; }

private:
    explicit PgConnection(pg_conn* conn) noexcept;
    QString quoteIdentifier(const QString& name) const;
    [[noreturn]] void throwQueryError(pg_result* result, const char* what) const;
    [[noreturn]] void throwCopyError(pg_result* result) const;
    DbError::Target target() const;

    template <typename F>
    decltype(auto) invokeBody(F&& f) {
        if constexpr (std::is_invocable_v<F&&, PgConnection&>)
            return std::forward<F>(f)(*this);
        else
            return std::forward<F>(f)();
    }

    pg_conn* m_conn = nullptr;
    int m_txDepth = 0;
};

template <typename F>
decltype(auto) PgConnection::transaction(F&& f) {
    beginTransaction();
    // commitTransaction() cleans up after itself when COMMIT fails, so only the body is
    // guarded here.
    auto guarded = [&]() -> decltype(auto) {
        try {
            return invokeBody(std::forward<F>(f));
        } catch (...) {
            rollbackTransaction();
            throw;
        }
    };
    if constexpr (std::is_void_v<decltype(guarded())>) {
        guarded();
        commitTransaction();
    } else {
        decltype(auto) result = guarded();
        commitTransaction();
        return result;
    }
}

} // namespace quiver
