#include "core/db/pg_result.h"

#include "core/db/db_error.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

namespace quiver {

namespace {
constexpr Oid kByteaOid = 17;
}

PgResult::PgResult(pg_result* result) noexcept
    : m_result(result) {}

PgResult::~PgResult() {
    if (m_result)
        PQclear(m_result);
}

PgResult::PgResult(PgResult&& other) noexcept
    : m_result(std::exchange(other.m_result, nullptr)) {}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
    if (this != &other) {
        if (m_result)
            PQclear(m_result);
        m_result = std::exchange(other.m_result, nullptr);
    }
    return *this;
}

int PgResult::rows() const {
    return m_result ? PQntuples(m_result) : 0;
}

int PgResult::columns() const {
    return m_result ? PQnfields(m_result) : 0;
}

void PgResult::check(int row, int col) const {
    if (row < 0 || row >= rows() || col < 0 || col >= columns())
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("no value at row %1, column %2 (the result has %3 rows, %4 "
                                     "columns)")
                          .arg(row)
                          .arg(col)
                          .arg(rows())
                          .arg(columns()));
}

bool PgResult::isNull(int row, int col) const {
    check(row, col);
    return PQgetisnull(m_result, row, col) != 0;
}

QString PgResult::text(int row, int col) const {
    if (isNull(row, col))
        return {};
    return QString::fromUtf8(PQgetvalue(m_result, row, col), PQgetlength(m_result, row, col));
}

qint64 PgResult::toInt64(int row, int col) const {
    if (isNull(row, col))
        throw DbError(
            DbError::Kind::Query,
            QStringLiteral("column %1 is NULL, expected an integer").arg(columnName(col)));
    bool ok = false;
    const qint64 v =
        QByteArray::fromRawData(PQgetvalue(m_result, row, col), PQgetlength(m_result, row, col))
            .toLongLong(&ok);
    if (!ok)
        throw DbError(
            DbError::Kind::Query,
            QStringLiteral("column %1 is not an integer: %2").arg(columnName(col), text(row, col)));
    return v;
}

double PgResult::toDouble(int row, int col) const {
    if (isNull(row, col))
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("column %1 is NULL, expected a number").arg(columnName(col)));
    bool ok = false;
    const double v =
        QByteArray::fromRawData(PQgetvalue(m_result, row, col), PQgetlength(m_result, row, col))
            .toDouble(&ok);
    if (!ok)
        throw DbError(
            DbError::Kind::Query,
            QStringLiteral("column %1 is not a number: %2").arg(columnName(col), text(row, col)));
    return v;
}

bool PgResult::toBool(int row, int col) const {
    if (isNull(row, col))
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("column %1 is NULL, expected a boolean").arg(columnName(col)));
    const char* v = PQgetvalue(m_result, row, col);
    return v[0] == 't' || v[0] == 'T' || v[0] == '1';
}

QByteArray PgResult::bytes(int row, int col) const {
    if (isNull(row, col))
        return {};
    const char* value = PQgetvalue(m_result, row, col);
    if (PQfformat(m_result, col) == 1 || PQftype(m_result, col) != kByteaOid)
        return QByteArray(value, PQgetlength(m_result, row, col));
    size_t length = 0;
    unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(value), &length);
    if (!raw)
        throw DbError(DbError::Kind::Query, QStringLiteral("out of memory decoding bytea"));
    QByteArray out(reinterpret_cast<const char*>(raw), static_cast<qsizetype>(length));
    PQfreemem(raw);
    return out;
}

QList<float> PgResult::toFloatArray(int row, int col) const {
    if (isNull(row, col))
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("column %1 is NULL, expected an array").arg(columnName(col)));
    // Text form of a one-dimensional numeric array: {1,2.5,-3e-05}
    const QByteArray value =
        QByteArray::fromRawData(PQgetvalue(m_result, row, col), PQgetlength(m_result, row, col));
    const auto fail = [&]() {
        return DbError(DbError::Kind::Query,
                       QStringLiteral("column %1 is not a one-dimensional array of numbers")
                           .arg(columnName(col)));
    };
    if (value.size() < 2 || value.front() != '{' || value.back() != '}')
        throw fail();
    QList<float> out;
    const QByteArray inner = value.mid(1, value.size() - 2);
    if (inner.isEmpty())
        return out;
    qsizetype start = 0;
    while (start <= inner.size()) {
        qsizetype comma = inner.indexOf(',', start);
        if (comma < 0)
            comma = inner.size();
        bool ok = false;
        const float f = inner.mid(start, comma - start).toFloat(&ok);
        if (!ok)
            throw fail();
        out.append(f);
        start = comma + 1;
    }
    return out;
}

int PgResult::column(const char* name) const {
    const int c = m_result ? PQfnumber(m_result, name) : -1;
    if (c < 0)
        throw DbError(DbError::Kind::Query,
                      QStringLiteral("the result has no column %1").arg(QString::fromUtf8(name)));
    return c;
}

QString PgResult::columnName(int col) const {
    if (!m_result || col < 0 || col >= columns())
        return QString::number(col);
    return QString::fromUtf8(PQfname(m_result, col));
}

qint64 PgResult::affectedRows() const {
    if (!m_result)
        return 0;
    const char* n = PQcmdTuples(m_result);
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

} // namespace quiver
