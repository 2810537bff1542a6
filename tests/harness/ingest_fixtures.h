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
// A DOCX whose document part inflates to `megabytes` MiB of spaces.
QByteArray docxBomb(int megabytes);
// A DOCX whose word/document.xml is documentXml as given (hostile XML), or, when that is empty,
// one paragraph of paddingMegabytes MiB of spaces (a bomb, made without holding it in memory).
QByteArray docxDocumentXml(const QByteArray& documentXml, int paddingMegabytes = 0);
// An ODT whose <office:body> holds bodyXml as given (namespaces office, text, draw declared).
QByteArray odtBody(const QByteArray& bodyXml, const QString& title = {});
// A PDF of one empty page of this size in points (1/72 inch): a few hundred bytes that a
// renderer at 300 dpi would turn into a bitmap of gigabytes.
QByteArray hugePagePdf(double widthPoints, double heightPoints);

bool writeFile(const QString& path, const QByteArray& bytes);

} // namespace fixtures
} // namespace quiver::test
