#include "core/ingest/document_preparer.h"

#include "core/ingest/chunker.h"
#include "core/ingest/token_estimator.h"
#include "core/util/sha256.h"

#include <QJsonArray>

namespace quiver {

DocumentPreparer::DocumentPreparer(const ImportSettings& settings)
    : m_settings(settings) {}

PreparedDocument DocumentPreparer::prepare(const ExtractedDocument& doc, const QString& path,
                                           const QString& fileSha256, qint64 size,
                                           const QDateTime& mtime) const {
    PreparedDocument out;
    out.path = path;
    out.title = doc.title;
    out.mime = doc.mime;
    out.format = formatName(doc.format);
    out.sha256 = fileSha256;
    out.sizeBytes = size;
    out.mtime = mtime;
    out.pages = doc.pageCount();

    // The template around the chunk (title included) shares the model's window.
    const QString frame = renderEmbedText(m_settings.embedTemplate, doc.title, QString());
    const int reserved = TokenEstimator::estimate(frame);
    const Chunker chunker({m_settings.chunkTokens, m_settings.overlapTokens});
    // Pages are chunked one by one, so that every chunk lies on one page and its page number
    // says where to look.
    QList<TextChunk> chunks;
    if (doc.pageStarts.isEmpty()) {
        chunks = chunker.split(doc.text, reserved);
    } else {
        for (qsizetype p = 0; p < doc.pageStarts.size(); ++p) {
            const qsizetype start = doc.pageStarts[p];
            const qsizetype end =
                p + 1 < doc.pageStarts.size() ? doc.pageStarts[p + 1] : doc.text.size();
            for (TextChunk c : chunker.split(doc.text.mid(start, end - start), reserved)) {
                c.start += start;
                c.end += start;
                chunks.append(c);
            }
        }
    }

    // UTF-16 offsets to code points, walking the text once.
    qsizetype u16 = 0;
    qint64 cps = 0;
    const auto toCodePoints = [&](qsizetype target) {
        if (target < u16) { // overlap moves back: restart (rare, chunks are short)
            u16 = 0;
            cps = 0;
        }
        while (u16 < target) {
            if (doc.text[u16].isHighSurrogate() && u16 + 1 < doc.text.size() &&
                doc.text[u16 + 1].isLowSurrogate())
                ++u16;
            ++u16;
            ++cps;
        }
        return cps;
    };
    out.chunks.reserve(chunks.size());
    for (const TextChunk& c : chunks) {
        PreparedChunk p;
        p.text = c.text;
        p.tokens = c.tokens;
        p.page = doc.pageAt(c.start);
        p.ocr = p.page > 0 && p.page <= doc.ocrPages.size() && doc.ocrPages[p.page - 1];
        p.charStart = toCodePoints(c.start);
        p.charEnd = p.charStart;
        {
            qsizetype i = c.start;
            qint64 n = p.charStart;
            while (i < c.end) {
                if (doc.text[i].isHighSurrogate() && i + 1 < c.end &&
                    doc.text[i + 1].isLowSurrogate())
                    ++i;
                ++i;
                ++n;
            }
            p.charEnd = n;
        }
        p.sha256 = sha256Hex(renderEmbedText(m_settings.embedTemplate, doc.title, c.text).toUtf8());
        out.chunks.append(p);
    }

    QJsonArray ocrPages;
    for (qsizetype i = 0; i < doc.ocrPages.size(); ++i) {
        if (doc.ocrPages[i])
            ocrPages.append(static_cast<int>(i + 1));
    }
    out.metadata = QJsonObject{
        {QStringLiteral("format"), out.format},
        {QStringLiteral("pages"), out.pages},
        {QStringLiteral("ocr_pages"), ocrPages},
        {QStringLiteral("embed_template"), m_settings.embedTemplate},
        {QStringLiteral("chunk_tokens"), m_settings.chunkTokens},
        {QStringLiteral("overlap_tokens"), m_settings.overlapTokens},
        {QStringLiteral("chars"), static_cast<qint64>(toCodePoints(doc.text.size()))},
    };
    // What was left out stays with the document, for whoever wonders why a passage is missing.
    if (doc.truncated)
        out.metadata.insert(QStringLiteral("truncated"), true);
    if (!doc.warnings.isEmpty())
        out.metadata.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(doc.warnings));
    return out;
}

} // namespace quiver
