#include "ui/library/import_progress_text.h"

#include "core/ingest/import_types.h"

#include <QCoreApplication>
#include <QLocale>

namespace quiver {

namespace {
// The context these strings are looked up in, and that lupdate files them under.
struct ImportProgressText {
    Q_DECLARE_TR_FUNCTIONS(ImportProgressText)
};
} // namespace

int importProgressPermille(const ImportProgress& p) {
    if (p.bytesTotal > 0)
        return static_cast<int>(qMin<qint64>(1000, p.bytesDone * 1000 / p.bytesTotal));
    if (p.filesTotal > 0)
        return static_cast<int>(qMin<qint64>(1000, p.filesDone * 1000 / p.filesTotal));
    return 0;
}

QString importProgressText(const ImportProgress& p) {
    if (p.walking)
        return ImportProgressText::tr("Looking for files…");
    const QLocale l;
    return ImportProgressText::tr("%1 of %2 files · %3 of %4 · %5 passages")
        .arg(l.toString(p.filesDone), l.toString(p.filesTotal), l.formattedDataSize(p.bytesDone),
             l.formattedDataSize(p.bytesTotal), l.toString(p.chunks));
}

QString importSummaryText(const ImportSummary& s) {
    QString text;
    if (s.databaseLost)
        text = ImportProgressText::tr(
                   "Stopped: the database connection was lost (%1). Import again to resume.")
                   .arg(s.databaseError);
    else if (s.cancelled)
        text =
            ImportProgressText::tr("Cancelled. What was imported stays; import again to resume.");
    else
        text = ImportProgressText::tr("Import finished.");
    text += QLatin1Char(' ') +
            ImportProgressText::tr("%1 imported, %2 unchanged, %3 skipped, %4 failed; %5 passages")
                .arg(s.imported)
                .arg(s.unchanged)
                .arg(s.skipped)
                .arg(s.failed)
                .arg(s.chunks);
    if (s.removed > 0)
        text +=
            QLatin1Char(' ') +
            ImportProgressText::tr("%1 moved to the trash (their files are gone).").arg(s.removed);
    // What a rescan did not do, and why: the user may need to reconnect a disk.
    for (const RemovalRefusal& r : s.removalRefusals)
        text += QLatin1Char(' ') +
                ImportProgressText::tr("Nothing removed under %1: %2.").arg(r.root, r.reason);
    for (const HeldRemoval& h : s.heldRemovals)
        text +=
            QLatin1Char(' ') +
            ImportProgressText::tr("%n document(s) of \"%1\" not removed until you confirm: %2.",
                                   nullptr, h.documents)
                .arg(h.collection, h.reason);
    return text;
}

} // namespace quiver
