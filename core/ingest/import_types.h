#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace quiver {

// What became of one file.
struct ImportFileResult {
    enum class Outcome { Imported, Replaced, Unchanged, Skipped, Failed, Removed };
    Outcome outcome = Outcome::Failed;
    QString path;
    QString collection;
    QString reason; // for Skipped and Failed: one line, without the path
    QString title;
    QString format;
    qint64 bytes = 0;
    qint64 documentId = 0;
    int chunks = 0;
    int pages = 0;
    qint64 reusedEmbeddings = 0;

    bool isFailure() const { return outcome == Outcome::Failed; }
    static QString outcomeName(Outcome o); // "imported", "replaced", ...
    QString describe() const;              // one line for people: "path: imported (12 chunks)"
};

// How far an import has come; bytesDone moves inside a slow file too.
struct ImportProgress {
    qint64 filesDone = 0;
    qint64 filesTotal = 0;
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
    qint64 chunks = 0;
    bool walking = false; // still listing folders
};

struct ImportSummary {
    int imported = 0; // includes replaced
    int unchanged = 0;
    int skipped = 0;
    int failed = 0;
    int removed = 0; // documents whose file is gone (watch folders)
    qint64 chunks = 0;
    qint64 bytes = 0;
    bool cancelled = false;
    bool databaseLost = false;
    QString databaseError;
};

} // namespace quiver

Q_DECLARE_METATYPE(quiver::ImportFileResult)
Q_DECLARE_METATYPE(quiver::ImportProgress)
Q_DECLARE_METATYPE(quiver::ImportSummary)
