#include "app/cli/trash_command.h"

#include "core/ingest/document_trash.h"
#include "core/session/database_opener.h"

#include <QJsonObject>
#include <QSettings>

namespace quiver::cli {

namespace {

const QString kUsage =
    QStringLiteral("usage: quiver-cli trash list | restore ID... | empty [--older-than DAYS]");

QString iso(const QDateTime& t) {
    return t.toUTC().toString(Qt::ISODate);
}

int list(DocumentTrash& trash, const CliOutput& out) {
    const int keep = DocumentTrash::keepDays(QSettings());
    for (const TrashedDocument& d : trash.list()) {
        const QDateTime expires = d.trashedAt.addDays(keep);
        if (out.json()) {
            out.object(QJsonObject{{QStringLiteral("id"), d.id},
                                   {QStringLiteral("collection"), d.collection},
                                   {QStringLiteral("path"), d.path},
                                   {QStringLiteral("title"), d.title},
                                   {QStringLiteral("chunks"), d.chunks},
                                   {QStringLiteral("embeddings"), d.embeddings},
                                   {QStringLiteral("trashed_at"), iso(d.trashedAt)},
                                   {QStringLiteral("expires_at"), iso(expires)},
                                   {QStringLiteral("reason"), d.reason}});
            continue;
        }
        out.line(QStringLiteral("%1\t%2\t%3\t%4 chunks, %5 embeddings\ttrashed %6, kept until "
                                "%7\t%8")
                     .arg(d.id)
                     .arg(d.collection, d.path)
                     .arg(d.chunks)
                     .arg(d.embeddings)
                     .arg(iso(d.trashedAt), iso(expires), d.reason));
    }
    return Success;
}

int restore(DocumentTrash& trash, const QStringList& idTexts, const CliOutput& out) {
    QList<qint64> ids;
    for (const QString& text : idTexts) {
        bool ok = false;
        const qint64 id = text.toLongLong(&ok);
        if (!ok || id <= 0)
            return out.usageError(
                QStringLiteral("'%1' is not a document id: see 'quiver-cli trash list'\n")
                    .arg(text) +
                kUsage);
        ids.append(id);
    }
    const DocumentTrash::Restored r = trash.restore(ids);
    for (const qint64 id : r.restored) {
        if (out.json())
            out.object(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("restored"), true}});
        else
            out.line(QStringLiteral("restored document %1").arg(id));
    }
    for (const auto& [id, reason] : r.refused) {
        if (out.json())
            out.object(QJsonObject{{QStringLiteral("id"), id},
                                   {QStringLiteral("restored"), false},
                                   {QStringLiteral("reason"), reason}});
        else
            out.error(QStringLiteral("document %1 not restored: %2").arg(id).arg(reason));
    }
    return r.refused.isEmpty() ? Success : Failure;
}

} // namespace

int runTrashCommand(const CliArguments& args, const CliOutput& out) {
    QStringList rest = args.words.mid(1);
    if (rest.isEmpty())
        return out.usageError(kUsage);
    const QString sub = rest.takeFirst();
    std::optional<int> olderThan;
    if (sub == QLatin1String("empty")) {
        QString days;
        bool present = false;
        if (!takeOption(rest, QStringLiteral("--older-than"), days, present))
            return out.usageError(QStringLiteral("--older-than needs a number of days\n") + kUsage);
        if (present) {
            bool ok = false;
            olderThan = days.toInt(&ok);
            if (!ok || *olderThan < 0)
                return out.usageError(QStringLiteral("--older-than takes a number of days "
                                                     "(0 or more)\n") +
                                      kUsage);
        }
    }
    if (sub == QLatin1String("restore") ? rest.isEmpty() : !rest.isEmpty())
        return out.usageError(kUsage);
    if (sub != QLatin1String("list") && sub != QLatin1String("restore") &&
        sub != QLatin1String("empty"))
        return out.usageError(QStringLiteral("unknown trash command '%1'\n").arg(sub) + kUsage);

    try {
        const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
        DatabaseOpener opener;
        PgConnection conn = opener.open(target);
        DocumentTrash trash(conn);
        if (sub == QLatin1String("list"))
            return list(trash, out);
        if (sub == QLatin1String("restore"))
            return restore(trash, rest, out);
        const qint64 gone = trash.empty(olderThan);
        if (out.json())
            out.object(QJsonObject{{QStringLiteral("deleted"), gone}});
        else
            out.line(QStringLiteral("deleted %1 document(s) from the trash for good").arg(gone));
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
    return Success;
}

} // namespace quiver::cli
