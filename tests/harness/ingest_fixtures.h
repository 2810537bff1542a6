#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace quiver::test {

// Documents of every format the importer reads, made on the spot so the tests carry no binary
// files: PDFs drawn with QPdfWriter, office documents and EPUBs zipped with QuaZip.
namespace fixtures {

// One page per entry, drawn as text (a text layer poppler can read).
QByteArray pdf(const QStringList& pages, const QString& title = {});
// Pages holding only a picture of their text: no text layer, readable by OCR alone.
QByteArray imageOnlyPdf(const QString& text);
QByteArray imageOnlyPdf(const QStringList& pages);
// A PDF encrypted with a user password (written by hand: Qt cannot encrypt).
QByteArray encryptedPdf();

// A zip archive of (name, content) entries, deflated.
QByteArray zip(const QList<QPair<QString, QByteArray>>& entries);

QByteArray docx(const QStringList& paragraphs, const QString& title = {});
QByteArray pptx(const QStringList& slides, const QString& title = {});
QByteArray odt(const QStringList& paragraphs, const QString& title = {});
QByteArray odp(const QStringList& slides, const QString& title = {});
QByteArray epub(const QStringList& chapters, const QString& title = {});
// A DOCX whose document part inflates to `megabytes` MiB of zeros.
QByteArray docxBomb(int megabytes);

bool writeFile(const QString& path, const QByteArray& bytes);

} // namespace fixtures
} // namespace quiver::test
