#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

struct pg_result; // libpq's PGresult; libpq stays a private dependency of quiver_core

namespace quiver {

// Owns one PGresult. Values are read in libpq's text format; bytes() decodes bytea. Accessors
// throw DbError(Kind::Query) on an out-of-range row/column or a value of the wrong shape.
class PgResult {
public:
    PgResult() = default;
    explicit PgResult(pg_result* result) noexcept;
    ~PgResult();
    PgResult(PgResult&& other) noexcept;
    PgResult& operator=(PgResult&& other) noexcept;
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;

    int rows() const;
    int columns() const;
    bool isNull(int row, int col) const;
    QString text(int row, int col) const;              // NULL -> null QString
    qint64 toInt64(int row, int col) const;            // throws on NULL or non-integer
    double toDouble(int row, int col) const;           // throws on NULL or non-number
    bool toBool(int row, int col) const;               // throws on NULL
    QByteArray bytes(int row, int col) const;          // bytea decoded; other types raw text
    QList<float> toFloatArray(int row, int col) const; // real[] / float8[] one-dimensional
    int column(const char* name) const;                // throws if there is no such column
    QString columnName(int col) const;
    qint64 affectedRows() const; // rows of INSERT/UPDATE/DELETE/COPY

    pg_result* handle() const { return m_result; }

private:
    void check(int row, int col) const;
    pg_result* m_result = nullptr;
};

} // namespace quiver
