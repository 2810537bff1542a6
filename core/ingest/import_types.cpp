#include "core/ingest/import_types.h"

namespace quiver {

QString ImportFileResult::outcomeName(Outcome o) {
    switch (o) {
    case Outcome::Imported:
        return QStringLiteral("imported");
    case Outcome::Replaced:
        return QStringLiteral("replaced");
    case Outcome::Unchanged:
        return QStringLiteral("unchanged");
    case Outcome::Skipped:
        return QStringLiteral("skipped");
    case Outcome::Failed:
        return QStringLiteral("failed");
    case Outcome::Removed:
        return QStringLiteral("removed");
    }
    return {};
}

QString ImportFileResult::describe() const {
    switch (outcome) {
    case Outcome::Imported:
    case Outcome::Replaced: {
        QString details = QStringLiteral("%1 chunk(s)").arg(chunks);
        if (pages > 0)
            details += QStringLiteral(", %1 page(s)").arg(pages);
        if (reusedEmbeddings > 0)
            details += QStringLiteral(", %1 embedding(s) kept").arg(reusedEmbeddings);
        if (!warning.isEmpty())
            details += QStringLiteral("; ") + warning;
        return QStringLiteral("%1: %2 as %3 (%4)").arg(path, outcomeName(outcome), format, details);
    }
    case Outcome::Unchanged:
        return QStringLiteral("%1: unchanged since the last import").arg(path);
    case Outcome::Removed:
        return QStringLiteral("%1: moved to the trash: the file is gone").arg(path);
    case Outcome::Skipped:
    case Outcome::Failed:
        return QStringLiteral("%1: %2: %3").arg(path, outcomeName(outcome), reason);
    }
    return path;
}

} // namespace quiver
