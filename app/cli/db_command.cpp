#include "app/cli/db_command.h"

#include "core/db/database_status.h"
#include "core/session/database_opener.h"

#include <QJsonObject>
#include <QSettings>

namespace quiver::cli {

namespace {
int printStatus(const CliArguments& args, const CliOutput& out) {
    const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
    DatabaseOpener opener;
    DatabaseStatus s;
    try {
        PgConnection conn = opener.open(target);
        s = readDatabaseStatus(conn);
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
    if (out.json()) {
        out.object(QJsonObject{
            {QStringLiteral("database"), target.describe()},
            {QStringLiteral("connection"), s.describe},
            {QStringLiteral("server_version"), s.serverVersion},
            {QStringLiteral("schema_version"), s.schemaVersion},
            {QStringLiteral("latest_schema_version"), s.latestSchemaVersion},
            {QStringLiteral("collections"), s.collections},
            {QStringLiteral("documents"), s.documents},
            {QStringLiteral("chunks"), s.chunks},
            {QStringLiteral("pending_chunks"), s.pendingChunks},
            {QStringLiteral("embeddings"), s.embeddings},
            {QStringLiteral("jobs"), s.jobs},
            {QStringLiteral("job_runs"), s.jobRuns},
        });
        return Success;
    }
    const auto row = [&out](const char* label, const QString& value) {
        out.line(QStringLiteral("%1 %2").arg(QLatin1String(label), -16).arg(value));
    };
    row("Database:", target.describe());
    row("Connection:", s.describe);
    row("Server:", s.serverVersion);
    row("Schema version:", QStringLiteral("%1 (this Quiver knows up to %2)")
                               .arg(s.schemaVersion)
                               .arg(s.latestSchemaVersion));
    row("Collections:", QString::number(s.collections));
    row("Documents:", QString::number(s.documents));
    row("Chunks:",
        QStringLiteral("%1 (%2 waiting for an embedding)").arg(s.chunks).arg(s.pendingChunks));
    row("Embeddings:", QString::number(s.embeddings));
    row("Jobs:", QStringLiteral("%1 (%2 runs recorded)").arg(s.jobs).arg(s.jobRuns));
    return Success;
}
} // namespace

int runDbCommand(const CliArguments& args, const CliOutput& out) {
    const QStringList& w = args.words;
    if (w.size() == 2 && w[1] == QLatin1String("status"))
        return printStatus(args, out);
    return out.usageError(QStringLiteral("usage: quiver-cli db status [--db CONNINFO] [--json]"));
}

} // namespace quiver::cli
