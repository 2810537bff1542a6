#pragma once

#include "core/ingest/content_sniffer.h"
#include "core/ingest/extracted_document.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace quiver::reader {

// The conversation between the importer and a quiver-reader process, over one stream (a
// socket pair or two pipes). Every message is a frame: a 4-byte type and an 8-byte payload
// length, both little-endian, then the payload. Neither side trusts the other: every length is
// checked against what remains and against a ceiling before anything is allocated, and every
// string must be valid UTF-8.
//
//   helper -> parent  Hello     once, when ready: the protocol version and the limits in force
//   parent -> helper  Read      one file: its name, its bytes and the reading settings
//   helper -> parent  Begin     the format found; Progress while reading (pages done)
//   helper -> parent  Document | Refused | OutOfMemory   how the file ended
constexpr quint32 kProtocolVersion = 1;
constexpr qsizetype kHeaderBytes = 12;

enum class MessageType : quint32 {
    Hello = 0x51560001,
    Read = 0x51560002,
    Begin = 0x51560003,
    Progress = 0x51560004,
    Document = 0x51560005,
    Refused = 0x51560006,
    OutOfMemory = 0x51560007,
};

// What the helper could put in place before reading anything (ReaderSandbox).
struct SandboxReport {
    qint64 memoryLimitBytes = 0; // 0: no address-space limit (see memoryNote)
    QString memoryNote;          // why not, when not
    bool syscallFilter = false;  // network and new processes refused by the kernel
    QString syscallNote;         // why not, when not
};

struct Hello {
    quint32 version = 0;
    SandboxReport sandbox;
};

struct ReadRequest {
    QString fileName; // the name only, never the folder: the helper needs the extension
    QByteArray bytes;
    bool ocrEnabled = true;
    QString ocrLanguage;
    qint64 maxDecompressedBytes = 0;
    qint64 maxTextChars = 0;
    int deadlineSeconds = 0;
    int cpuSeconds = 0;
};

struct Progress {
    double fraction = 0.0;
    quint32 steps = 0; // progress reports so far: pages, slides or parts done
};

struct Refused {
    QString reason;
    bool deliberate = false;
};

// Frames. The header's length is refused above maxPayload, and the type when unknown.
QByteArray frame(MessageType type, const QByteArray& payload);
QByteArray header(MessageType type, qint64 payloadLength);
bool parseHeader(const char* header, qint64 maxPayload, MessageType& type, qint64& length);

QByteArray encodeHello(const Hello& hello);
std::optional<Hello> decodeHello(const QByteArray& payload);

QByteArray encodeRead(const ReadRequest& request);
// All of a Read payload but the file's bytes, which follow it: the importer sends those from
// its own buffer rather than copying a file of up to import/maxFileBytes once more.
QByteArray encodeReadFields(const ReadRequest& request);
// Refuses settings outside sane ranges and an OCR language that is not a plain name.
std::optional<ReadRequest> decodeRead(const QByteArray& payload);

QByteArray encodeBegin(DocumentFormat format);
std::optional<DocumentFormat> decodeBegin(const QByteArray& payload);

QByteArray encodeProgress(const Progress& progress);
std::optional<Progress> decodeProgress(const QByteArray& payload);

QByteArray encodeRefused(const Refused& refused);
std::optional<Refused> decodeRefused(const QByteArray& payload);

QByteArray encodeDocument(const ExtractedDocument& doc);
// Also checks that the document is one the readers could have made: text within
// maxTextChars and not blank, page starts in order and inside the text, bounded title,
// warnings and type. error says what was wrong.
std::optional<ExtractedDocument> decodeDocument(const QByteArray& payload, qint64 maxTextChars,
                                                QString* error);

// The largest Document payload a read with this text limit can need (UTF-8 is at most three
// bytes per UTF-16 unit), with room for titles, pages and warnings.
qint64 maxDocumentPayload(qint64 maxTextChars);

} // namespace quiver::reader
