#include "core/ingest/content_sniffer.h"

#include "core/ingest/bundled_data.h"
#include "core/util/app_paths.h"

#include <QFile>
#include <QSet>

#include <magic.h>
#include <memory>
#include <stdexcept>

namespace quiver {

QString formatName(DocumentFormat format) {
    switch (format) {
    case DocumentFormat::Text:
        return QStringLiteral("text");
    case DocumentFormat::Markdown:
        return QStringLiteral("markdown");
    case DocumentFormat::Html:
        return QStringLiteral("html");
    case DocumentFormat::Pdf:
        return QStringLiteral("pdf");
    case DocumentFormat::Docx:
        return QStringLiteral("docx");
    case DocumentFormat::Pptx:
        return QStringLiteral("pptx");
    case DocumentFormat::Odt:
        return QStringLiteral("odt");
    case DocumentFormat::Odp:
        return QStringLiteral("odp");
    case DocumentFormat::Epub:
        return QStringLiteral("epub");
    case DocumentFormat::Unsupported:
        break;
    }
    return QStringLiteral("unsupported");
}

namespace {

struct MagicCookie {
    explicit MagicCookie(int flags) {
        cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | flags);
        const QByteArray database = QFile::encodeName(bundledMagicDatabase(programDir()));
        if (!cookie || magic_load(cookie, database.isEmpty() ? nullptr : database.constData()) != 0)
            throw std::runtime_error("libmagic could not load its database");
    }
    ~MagicCookie() {
        if (cookie)
            magic_close(cookie);
    }
    MagicCookie(const MagicCookie&) = delete;
    MagicCookie& operator=(const MagicCookie&) = delete;
    magic_t cookie = nullptr;
};

QString runMagic(magic_t cookie, const QByteArray& bytes) {
    // The head of a file tells its type; reading further only costs time. Text is checked in
    // full for NUL bytes and its encoding by TextDecoder later.
    constexpr qsizetype kSniffBytes = 8 * 1024;
    const char* mime = magic_buffer(cookie, bytes.constData(),
                                    static_cast<size_t>(qMin(bytes.size(), kSniffBytes)));
    return mime ? QString::fromLatin1(mime) : QStringLiteral("application/octet-stream");
}

// Formats whose content is text and that the extension may refine.
bool looksLikeHtml(const QByteArray& bytes) {
    const QByteArray head = bytes.left(512).trimmed().toLower();
    return head.startsWith("<!doctype html") || head.startsWith("<html") ||
           (head.startsWith("<?xml") && head.contains("<html"));
}

DocumentFormat textFormatFor(const QString& mime, const QString& ext, const QByteArray& bytes) {
    if (mime == QLatin1String("text/html") || mime == QLatin1String("application/xhtml+xml") ||
        looksLikeHtml(bytes) || ext == QLatin1String("html") || ext == QLatin1String("htm") ||
        ext == QLatin1String("xhtml"))
        return DocumentFormat::Html;
    if (mime == QLatin1String("text/markdown") || ext == QLatin1String("md") ||
        ext == QLatin1String("markdown") || ext == QLatin1String("mkd"))
        return DocumentFormat::Markdown;
    return DocumentFormat::Text;
}

// Zip containers tell their kind by a mimetype entry (ODF, EPUB) or by their parts (OOXML),
// which libmagic reports as precise MIME types; a bare application/zip falls back on the name.
DocumentFormat containerFormatFor(const QString& mime, const QString& ext) {
    if (mime ==
        QLatin1String("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        return DocumentFormat::Docx;
    if (mime ==
        QLatin1String("application/vnd.openxmlformats-officedocument.presentationml.presentation"))
        return DocumentFormat::Pptx;
    if (mime == QLatin1String("application/vnd.oasis.opendocument.text"))
        return DocumentFormat::Odt;
    if (mime == QLatin1String("application/vnd.oasis.opendocument.presentation"))
        return DocumentFormat::Odp;
    if (mime == QLatin1String("application/epub+zip"))
        return DocumentFormat::Epub;
    if (mime == QLatin1String("application/zip") ||
        mime == QLatin1String("application/octet-stream")) {
        if (ext == QLatin1String("docx"))
            return DocumentFormat::Docx;
        if (ext == QLatin1String("pptx"))
            return DocumentFormat::Pptx;
        if (ext == QLatin1String("odt"))
            return DocumentFormat::Odt;
        if (ext == QLatin1String("odp"))
            return DocumentFormat::Odp;
        if (ext == QLatin1String("epub"))
            return DocumentFormat::Epub;
    }
    return DocumentFormat::Unsupported;
}

bool isTextMime(const QString& mime) {
    static const QSet<QString> textual{QStringLiteral("application/json"),
                                       QStringLiteral("application/xml"),
                                       QStringLiteral("application/javascript"),
                                       QStringLiteral("application/x-sh"),
                                       QStringLiteral("application/csv"),
                                       QStringLiteral("application/x-ndjson"),
                                       QStringLiteral("application/xhtml+xml"),
                                       QStringLiteral("application/x-wine-extension-ini"),
                                       QStringLiteral("application/sql"),
                                       QStringLiteral("application/x-subrip")};
    return mime.startsWith(QLatin1String("text/")) || textual.contains(mime);
}

const QSet<QString>& containerExtensions() {
    static const QSet<QString> exts{QStringLiteral("docx"), QStringLiteral("pptx"),
                                    QStringLiteral("odt"), QStringLiteral("odp"),
                                    QStringLiteral("epub")};
    return exts;
}

} // namespace

QString ContentSniffer::mimeOf(const QByteArray& bytes) {
    // libmagic's full database runs hundreds of regular expressions over text, which costs more
    // than reading and chunking it. Its built-in tests alone tell text from binary quickly; the
    // full database is consulted for everything that is not plain text, and for text that starts
    // like a PDF or a zip container.
    thread_local MagicCookie quick(MAGIC_NO_CHECK_SOFT | MAGIC_NO_CHECK_COMPRESS |
                                   MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ELF);
    thread_local MagicCookie full(MAGIC_NO_CHECK_COMPRESS);
    const bool containerHead = bytes.startsWith("%PDF") || bytes.startsWith("PK");
    if (!containerHead) {
        const QString mime = runMagic(quick.cookie, bytes);
        if (mime.startsWith(QLatin1String("text/")) || mime == QLatin1String("application/json"))
            return mime;
    }
    return runMagic(full.cookie, bytes);
}

ContentSniffer::Result ContentSniffer::sniff(const QByteArray& bytes, const QString& extension) {
    Result r;
    const QString ext = extension.toLower();
    if (bytes.isEmpty()) {
        r.mime = QStringLiteral("inode/x-empty");
        r.reason = QStringLiteral("empty file (0 bytes)");
        r.deliberate = true;
        return r;
    }
    r.mime = mimeOf(bytes);
    // UTF-16 and UTF-32 text with a byte-order mark is text whatever libmagic's version says.
    const bool unicodeBom = bytes.startsWith("\xFF\xFE") || bytes.startsWith("\xFE\xFF");

    if (r.mime == QLatin1String("application/pdf")) {
        r.format = DocumentFormat::Pdf;
        return r;
    }
    if (const DocumentFormat c = containerFormatFor(r.mime, ext);
        c != DocumentFormat::Unsupported) {
        r.format = c;
        return r;
    }
    if (containerExtensions().contains(ext)) {
        // The name promises a container the bytes are not: say so rather than import garbage.
        r.reason = QStringLiteral("not a valid .%1 file: the content is %2, not a zip archive")
                       .arg(ext, r.mime);
        return r;
    }
    if (ext == QLatin1String("pdf") && !bytes.startsWith("%PDF")) {
        r.reason = QStringLiteral("broken PDF: the file does not start with a PDF header (%1)")
                       .arg(r.mime);
        return r;
    }
    if (isTextMime(r.mime) || unicodeBom) {
        r.format = textFormatFor(r.mime, ext, bytes);
        return r;
    }
    if (r.mime == QLatin1String("application/zip")) {
        r.reason = QStringLiteral("a zip archive that is no DOCX, PPTX, ODT, ODP or EPUB document");
        r.deliberate = true;
        return r;
    }
    r.reason = QStringLiteral("binary file (%1): not a format Quiver reads").arg(r.mime);
    r.deliberate = true;
    return r;
}

} // namespace quiver
