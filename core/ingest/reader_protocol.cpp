#include "core/ingest/reader_protocol.h"

#include <QRegularExpression>
#include <QStringDecoder>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace quiver::reader {

namespace {

constexpr qsizetype kMaxNameBytes = 4096;
constexpr qsizetype kMaxLanguageBytes = 100;
constexpr qsizetype kMaxReasonBytes = 8192;
constexpr qsizetype kMaxNoteBytes = 2048;
// DocumentReader keeps 1000 characters before normalising, which may lengthen them a little.
constexpr qsizetype kMaxTitleChars = 4000;
constexpr qsizetype kMaxMimeBytes = 255;
constexpr qsizetype kMaxWarnings = 1000;
constexpr qsizetype kMaxWarningBytes = 8192;
constexpr qint64 kMaxTextLimit = 1'000'000'000;
constexpr qint64 kMaxDecompressedLimit = 64LL << 30;
constexpr int kMaxSeconds = 10'000'000;

class PayloadWriter {
public:
    void u32(quint32 v) {
        char b[4];
        qToLittleEndian(v, b);
        m_out.append(b, 4);
    }
    void i64(qint64 v) {
        char b[8];
        qToLittleEndian(v, b);
        m_out.append(b, 8);
    }
    void f64(double v) {
        quint64 bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        i64(static_cast<qint64>(bits));
    }
    void boolean(bool v) { m_out.append(v ? '\1' : '\0'); }
    void bytes(const QByteArray& v) {
        i64(v.size());
        m_out.append(v);
    }
    void string(const QString& v) { bytes(v.toUtf8()); }
    QByteArray take() { return std::move(m_out); }

private:
    QByteArray m_out;
};

// Reads what PayloadWriter wrote, refusing anything short, long or malformed: after the first
// failure every read returns an empty value and ok() is false.
class PayloadReader {
public:
    explicit PayloadReader(const QByteArray& in)
        : m_in(in) {}

    bool ok() const { return m_ok; }
    bool finished() const { return m_ok && m_pos == m_in.size(); }

    quint32 u32() {
        if (!need(4))
            return 0;
        const quint32 v = qFromLittleEndian<quint32>(m_in.constData() + m_pos);
        m_pos += 4;
        return v;
    }
    qint64 i64() {
        if (!need(8))
            return 0;
        const qint64 v = qFromLittleEndian<qint64>(m_in.constData() + m_pos);
        m_pos += 8;
        return v;
    }
    double f64() {
        const quint64 bits = static_cast<quint64>(i64());
        double v = 0.0;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    bool boolean() {
        if (!need(1))
            return false;
        const char c = m_in[m_pos++];
        if (c != '\0' && c != '\1')
            m_ok = false;
        return c == '\1';
    }
    QByteArray bytes(qint64 maxBytes) {
        const qint64 n = i64();
        if (!m_ok || n < 0 || n > maxBytes || n > m_in.size() - m_pos) {
            m_ok = false;
            return {};
        }
        QByteArray v = m_in.mid(m_pos, static_cast<qsizetype>(n));
        m_pos += static_cast<qsizetype>(n);
        return v;
    }
    // Strict UTF-8: a malformed sequence fails the whole payload.
    QString string(qint64 maxBytes) {
        const QByteArray raw = bytes(maxBytes);
        if (!m_ok)
            return {};
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        QString v = decoder.decode(raw);
        if (decoder.hasError()) {
            m_ok = false;
            return {};
        }
        return v;
    }
    void fail() { m_ok = false; }

private:
    bool need(qsizetype n) {
        if (!m_ok || m_in.size() - m_pos < n) {
            m_ok = false;
            return false;
        }
        return true;
    }

    const QByteArray& m_in;
    qsizetype m_pos = 0;
    bool m_ok = true;
};

bool knownType(quint32 t) {
    return t >= static_cast<quint32>(MessageType::Hello) &&
           t <= static_cast<quint32>(MessageType::OutOfMemory);
}

std::optional<DocumentFormat> formatFrom(quint32 v) {
    if (v > static_cast<quint32>(DocumentFormat::Epub))
        return std::nullopt; // Unsupported is never read
    return static_cast<DocumentFormat>(v);
}

} // namespace

QByteArray header(MessageType type, qint64 payloadLength) {
    char b[kHeaderBytes];
    qToLittleEndian(static_cast<quint32>(type), b);
    qToLittleEndian(payloadLength, b + 4);
    return QByteArray(b, kHeaderBytes);
}

QByteArray frame(MessageType type, const QByteArray& payload) {
    QByteArray out;
    out.reserve(kHeaderBytes + payload.size());
    out.append(header(type, payload.size()));
    out.append(payload);
    return out;
}

bool parseHeader(const char* header, qint64 maxPayload, MessageType& type, qint64& length) {
    const quint32 t = qFromLittleEndian<quint32>(header);
    const qint64 n = qFromLittleEndian<qint64>(header + 4);
    if (!knownType(t) || n < 0 || n > maxPayload)
        return false;
    type = static_cast<MessageType>(t);
    length = n;
    return true;
}

QByteArray encodeHello(const Hello& hello) {
    PayloadWriter w;
    w.u32(hello.version);
    w.i64(hello.sandbox.memoryLimitBytes);
    w.string(hello.sandbox.memoryNote);
    w.boolean(hello.sandbox.syscallFilter);
    w.string(hello.sandbox.syscallNote);
    return w.take();
}

std::optional<Hello> decodeHello(const QByteArray& payload) {
    PayloadReader r(payload);
    Hello h;
    h.version = r.u32();
    h.sandbox.memoryLimitBytes = r.i64();
    h.sandbox.memoryNote = r.string(kMaxNoteBytes);
    h.sandbox.syscallFilter = r.boolean();
    h.sandbox.syscallNote = r.string(kMaxNoteBytes);
    if (!r.finished() || h.sandbox.memoryLimitBytes < 0)
        return std::nullopt;
    return h;
}

QByteArray encodeReadFields(const ReadRequest& q) {
    PayloadWriter w;
    w.string(q.fileName);
    w.boolean(q.ocrEnabled);
    w.string(q.ocrLanguage);
    w.i64(q.maxDecompressedBytes);
    w.i64(q.maxTextChars);
    w.i64(q.deadlineSeconds);
    w.i64(q.cpuSeconds);
    w.i64(q.bytes.size());
    return w.take();
}

QByteArray encodeRead(const ReadRequest& q) {
    return encodeReadFields(q) + q.bytes;
}

std::optional<ReadRequest> decodeRead(const QByteArray& payload) {
    PayloadReader r(payload);
    ReadRequest q;
    q.fileName = r.string(kMaxNameBytes);
    q.ocrEnabled = r.boolean();
    q.ocrLanguage = r.string(kMaxLanguageBytes);
    q.maxDecompressedBytes = r.i64();
    q.maxTextChars = r.i64();
    const qint64 deadline = r.i64();
    const qint64 cpu = r.i64();
    q.bytes = r.bytes(payload.size());
    if (!r.finished())
        return std::nullopt;
    // Tesseract turns the language into file names: letters, digits, '_' and '+' only.
    static const QRegularExpression language(QStringLiteral("^[A-Za-z0-9_+]{1,100}$"));
    if (q.fileName.contains(QLatin1Char('/')) || q.fileName.contains(QChar(0)) ||
        !language.match(q.ocrLanguage).hasMatch() || q.maxDecompressedBytes <= 0 ||
        q.maxDecompressedBytes > kMaxDecompressedLimit || q.maxTextChars <= 0 ||
        q.maxTextChars > kMaxTextLimit || deadline <= 0 || deadline > kMaxSeconds || cpu <= 0 ||
        cpu > kMaxSeconds)
        return std::nullopt;
    q.deadlineSeconds = static_cast<int>(deadline);
    q.cpuSeconds = static_cast<int>(cpu);
    return q;
}

QByteArray encodeBegin(DocumentFormat format) {
    PayloadWriter w;
    w.u32(static_cast<quint32>(format));
    return w.take();
}

std::optional<DocumentFormat> decodeBegin(const QByteArray& payload) {
    PayloadReader r(payload);
    const quint32 v = r.u32();
    if (!r.finished())
        return std::nullopt;
    return formatFrom(v);
}

QByteArray encodeProgress(const Progress& p) {
    PayloadWriter w;
    w.f64(p.fraction);
    w.u32(p.steps);
    return w.take();
}

std::optional<Progress> decodeProgress(const QByteArray& payload) {
    PayloadReader r(payload);
    Progress p;
    p.fraction = r.f64();
    p.steps = r.u32();
    if (!r.finished() || !std::isfinite(p.fraction))
        return std::nullopt;
    p.fraction = std::clamp(p.fraction, 0.0, 1.0);
    return p;
}

QByteArray encodeRefused(const Refused& refused) {
    PayloadWriter w;
    w.string(refused.reason.left(kMaxReasonBytes / 4));
    w.boolean(refused.deliberate);
    return w.take();
}

std::optional<Refused> decodeRefused(const QByteArray& payload) {
    PayloadReader r(payload);
    Refused f;
    f.reason = r.string(kMaxReasonBytes);
    f.deliberate = r.boolean();
    if (!r.finished() || f.reason.trimmed().isEmpty())
        return std::nullopt;
    return f;
}

QByteArray encodeDocument(const ExtractedDocument& doc) {
    PayloadWriter w;
    w.u32(static_cast<quint32>(doc.format));
    w.string(doc.title);
    w.string(doc.mime);
    w.string(doc.text);
    w.i64(doc.pageStarts.size());
    for (qsizetype i = 0; i < doc.pageStarts.size(); ++i) {
        w.i64(doc.pageStarts[i]);
        w.boolean(i < doc.ocrPages.size() && doc.ocrPages[i]);
    }
    // Bounded here rather than refused there: a long scan may note something on every page.
    const qsizetype kept = std::min<qsizetype>(doc.warnings.size(), kMaxWarnings);
    w.i64(kept);
    for (qsizetype i = 0; i < kept; ++i) {
        if (i == kMaxWarnings - 1 && doc.warnings.size() > kMaxWarnings)
            w.string(QStringLiteral("%1 more warnings left out")
                         .arg(doc.warnings.size() - kMaxWarnings + 1));
        else
            w.string(doc.warnings[i].left(kMaxWarningBytes / 4));
    }
    w.boolean(doc.truncated);
    return w.take();
}

std::optional<ExtractedDocument> decodeDocument(const QByteArray& payload, qint64 maxTextChars,
                                                QString* error) {
    const auto refuse = [error](const char* why) -> std::optional<ExtractedDocument> {
        if (error)
            *error = QString::fromLatin1(why);
        return std::nullopt;
    };
    PayloadReader r(payload);
    ExtractedDocument doc;
    const std::optional<DocumentFormat> format = formatFrom(r.u32());
    doc.title = r.string(kMaxTitleChars * 4);
    doc.mime = r.string(kMaxMimeBytes);
    doc.text = r.string(maxTextChars * 3);
    const qint64 pages = r.i64();
    if (!r.ok())
        return refuse("cut short or not valid UTF-8");
    if (!format || *format == DocumentFormat::Unsupported)
        return refuse("an unknown format");
    doc.format = *format;
    if (doc.text.size() > maxTextChars || doc.text.trimmed().isEmpty())
        return refuse("text empty or over the limit");
    if (doc.text.contains(QChar(0)) || doc.title.contains(QChar(0)))
        return refuse("NUL characters in the text");
    if (doc.title.trimmed().isEmpty() || doc.title.size() > kMaxTitleChars)
        return refuse("no title or a title over the limit");
    if (pages < 0 || pages > doc.text.size() / 2 + 2)
        return refuse("more pages than the text can hold");
    doc.pageStarts.reserve(static_cast<qsizetype>(pages));
    doc.ocrPages.reserve(static_cast<qsizetype>(pages));
    for (qint64 i = 0; i < pages; ++i) {
        const qint64 start = r.i64();
        doc.ocrPages.append(r.boolean());
        if (!r.ok() || start < 0 || start > doc.text.size() ||
            (!doc.pageStarts.isEmpty() && start < doc.pageStarts.last()))
            return refuse("page starts out of order or outside the text");
        doc.pageStarts.append(static_cast<qsizetype>(start));
    }
    const qint64 warnings = r.i64();
    if (!r.ok() || warnings < 0 || warnings > kMaxWarnings)
        return refuse("too many warnings");
    for (qint64 i = 0; i < warnings; ++i)
        doc.warnings.append(r.string(kMaxWarningBytes));
    doc.truncated = r.boolean();
    if (!r.finished())
        return refuse("cut short, too long or not valid UTF-8");
    return doc;
}

qint64 maxDocumentPayload(qint64 maxTextChars) {
    // Text, then 9 bytes per page (pages after the first are two characters apart at least),
    // then the rest.
    return maxTextChars * 3 + (maxTextChars / 2 + 2) * 9 + kMaxWarnings * (kMaxWarningBytes + 8) +
           (1 << 20);
}

} // namespace quiver::reader
