#pragma once

#include "core/db/migrations.h"
#include "core/db/pg_connection.h"
#include "core/ingest/importer.h"
#include "tests/harness/test_postgres.h"

#include <QList>

namespace quiver::test {

// A fresh, migrated database on the fixture server for one test.
struct ImportDatabase {
    ImportDatabase()
        : conninfo(TestPostgres::instance().createDatabase(QStringLiteral("import"))) {
        conn = PgConnection::open(conninfo);
        Migrations::apply(conn);
    }
    ~ImportDatabase() {
        conn = PgConnection();
        TestPostgres::instance().dropDatabase(conninfo);
    }
    ImportDatabase(const ImportDatabase&) = delete;
    ImportDatabase& operator=(const ImportDatabase&) = delete;

    qint64 count(const QString& sql, const QVariantList& params = {}) {
        return conn.exec(sql, params).toInt64(0, 0);
    }

    QString conninfo;
    PgConnection conn;
};

// Runs one import and keeps every per-file result.
struct ImportRun {
    ImportSummary summary;
    QList<ImportFileResult> files;

    const ImportFileResult* find(const QString& path) const {
        for (const ImportFileResult& r : files) {
            if (r.path == path)
                return &r;
        }
        return nullptr;
    }
    // A copy of the file's result; outcome Failed with reason "no result" when there is none.
    ImportFileResult get(const QString& path) const {
        if (const ImportFileResult* r = find(path))
            return *r;
        ImportFileResult none;
        none.reason = QStringLiteral("no result for this file");
        return none;
    }
    int countOf(ImportFileResult::Outcome o) const {
        int n = 0;
        for (const ImportFileResult& r : files)
            n += r.outcome == o ? 1 : 0;
        return n;
    }
};

inline ImportRun runImport(PgConnection& conn, const QStringList& paths,
                           const ImportSettings& settings = {}, const QString& collection = {}) {
    ImportRun run;
    Importer importer(conn, settings);
    importer.onFile = [&run](const ImportFileResult& r) { run.files.append(r); };
    run.summary = importer.run({paths, collection});
    return run;
}

} // namespace quiver::test
