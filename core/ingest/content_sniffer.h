#pragma once

#include <QByteArray>
#include <QString>

namespace quiver {

// The formats Quiver reads. Chosen from the content (libmagic); the file name's extension only
// breaks ties that content cannot (Markdown vs plain text, which zip container).
enum class DocumentFormat { Text, Markdown, Html, Pdf, Docx, Pptx, Odt, Odp, Epub, Unsupported };

QString formatName(DocumentFormat format); // "text", "markdown", "pdf", ...

class ContentSniffer {
public:
    struct Result {
        DocumentFormat format = DocumentFormat::Unsupported;
        QString mime;            // what libmagic saw, e.g. "application/pdf"
        QString reason;          // why Unsupported, for the user
        bool deliberate = false; // Unsupported on purpose (empty, binary), not a damaged file
    };
    // Thread-safe: each thread keeps its own libmagic handle.
    static Result sniff(const QByteArray& bytes, const QString& extension);
    static QString mimeOf(const QByteArray& bytes);
};

} // namespace quiver
