// Fuzz entry point for the parsers that read untrusted files: whatever the bytes, each
// returns or throws ReadError, within its bounds; it never crashes, hangs or reads out of bounds.
//
// The first input byte picks the parser (modulo 5), the rest is its input:
//   0  HtmlTextExtractor (gumbo behind HtmlMarkupLimiter)
//   1  HtmlMarkupLimiter alone, as XHTML, with small limits that it must keep
//   2  XmlTextExtractor with the ODF rules (GuardedXmlReader, repeat counts, the text limit)
//   3  MarkdownReader (MarkdownShape, then cmark or plain text)
//   4  GlobPattern: "pattern\npath"; the work it counts must stay within its bound
#include "core/ingest/glob_pattern.h"
#include "core/ingest/html_markup_limiter.h"
#include "core/ingest/html_text_extractor.h"
#include "core/ingest/markdown_reader.h"
#include "core/ingest/read_context.h"
#include "core/ingest/read_error.h"
#include "core/ingest/xml_text_extractor.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace quiver;

namespace {

void fail(const char* what) {
    std::fprintf(stderr, "fuzz_ingest_parsers: %s\n", what);
    std::abort();
}

void html(const QByteArray& bytes) {
    const HtmlTextExtractor::Result r = HtmlTextExtractor::extract(QString::fromUtf8(bytes));
    // Visible text comes from the input: each character from at least one byte, plus the line
    // breaks of at most two a tag (every tag is at least three bytes) and the implied elements.
    if (r.text.size() > 2 * bytes.size() + 16)
        fail("HTML text longer than its input allows");
}

void limiter(const QByteArray& bytes) {
    const HtmlMarkupLimiter::Limits limits{4, 64};
    const HtmlMarkupLimiter::Result r = HtmlMarkupLimiter::limit(bytes, true, limits);
    if (r.tags > limits.maxTags)
        fail("more tags written than the limit");
    // Every '<' becomes at most "&lt;", every "<x/>" at most "<x></x>".
    if (r.html.size() > 4 * bytes.size() + 16)
        fail("limited HTML much longer than its input");
}

void odf(const QByteArray& bytes) {
    XmlTextExtractor::Rules rules;
    rules.paragraphElements = {QStringLiteral("p"), QStringLiteral("h")};
    rules.tabElements = {QStringLiteral("tab")};
    rules.breakElements = {QStringLiteral("line-break")};
    rules.spaceElement = QStringLiteral("s");
    rules.skipElements = {QStringLiteral("notes")};
    rules.pageElements = {QStringLiteral("page")};
    ReadContext context;
    context.maxTextChars = 100'000;
    try {
        const XmlTextExtractor::Result r =
            XmlTextExtractor::extract(bytes, rules, QStringLiteral("content.xml"), context);
        qint64 chars = 0;
        for (const QString& page : r.pages)
            chars += page.size();
        // The limit, plus what one token may add past it (a repeat, a paragraph break).
        if (chars > context.maxTextChars + XmlTextExtractor::maxRepeat + 2)
            fail("XML text over the limit");
        XmlTextExtractor::firstElementText(bytes, QStringLiteral("title"),
                                           QStringLiteral("meta.xml"));
    } catch (const ReadError&) {
    }
}

void markdown(const QByteArray& bytes) {
    try {
        MarkdownReader().read(bytes, ReadContext());
    } catch (const ReadError&) {
    }
}

void glob(const QByteArray& bytes) {
    const qsizetype cut = bytes.indexOf('\n');
    const QString pattern = QString::fromUtf8(bytes.left(cut < 0 ? bytes.size() : cut));
    const QString path = cut < 0 ? QString() : QString::fromUtf8(bytes.mid(cut + 1));
    qint64 steps = 0;
    GlobPattern(pattern).matches(path, &steps);
    // Each (pattern token, path character) pair is compared at most once, so the work is within
    // the product of the lengths (counting the separators); in practice a few passes over the path.
    if (steps > 4 * (qint64(pattern.size()) + 2) * (qint64(path.size()) + 2))
        fail("glob matching took more steps than its bound");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const QByteArray bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    switch (data[0] % 5) {
    case 0:
        html(bytes);
        break;
    case 1:
        limiter(bytes);
        break;
    case 2:
        odf(bytes);
        break;
    case 3:
        markdown(bytes);
        break;
    default:
        glob(bytes);
        break;
    }
    return 0;
}
