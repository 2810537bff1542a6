#pragma once

#include <QList>
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
    QString reason;  // for Skipped and Failed: one line, without the path
    QString warning; // for Imported and Replaced: what was left out ("text cut at ..."), or empty
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

// A watched folder under which a rescan removed nothing, and why (it is empty, unmounted,
// unreadable, ...).
struct RemovalRefusal {
    QString root;
    QString reason;
};

// Removals a rescan held back until the user confirms them: more of a collection than the
// mass-removal threshold allows, or a folder that is not the one seen before.
struct HeldRemoval {
    QString collection;
    QStringList roots;
    int documents = 0;       // documents whose files are gone, which would go to the trash
    qint64 inCollection = 0; // documents the collection holds
    QString reason;          // one line for people
};

struct ImportSummary {
    int imported = 0; // includes replaced
    int unchanged = 0;
    int skipped = 0;
    int failed = 0;
    int removed = 0; // documents whose file is gone (watch folders), moved to the trash
    QList<RemovalRefusal> removalRefusals;
    QList<HeldRemoval> heldRemovals;
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
