#pragma once

#include "core/ingest/extracted_document.h"
#include "core/ingest/read_context.h"
#include "core/ingest/reader_protocol.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

namespace quiver {

class ReaderProcess;

// Reads files in a quiver-reader process instead of this one, so that a reader that crashes,
// hangs or runs out of memory on a hostile file fails that file and nothing else. One client
// per import thread: its helper is started on the first file, kept for the next ones, started
// again after a failure, and killed when the client goes, on cancel, or by stop(). Not
// thread-safe; use from one thread.
class ReaderClient {
public:
    struct Options {
        QString program;                     // empty: locateProgram()
        qint64 memoryLimitBytes = 1LL << 30; // the helper's address space (0: none)
    };

    // The environment variable the tests use to name the helper (never the database).
    static constexpr const char* kProgramVariable = "QUIVER_READER_PROGRAM";
    // Where quiver-reader is: kProgramVariable when set, else next to the running program.
    static QString locateProgram();

    explicit ReaderClient(Options options);
    ~ReaderClient();
    ReaderClient(const ReaderClient&) = delete;
    ReaderClient& operator=(const ReaderClient&) = delete;

    // As DocumentReader::read: the document, or ReadError with a reason that does not name the
    // file ("the PDF reader crashed on page 3 ..."), or ReadCancelled when context.cancelled was
    // set (the helper is killed at once). Waits at most the context's deadline plus a grace.
    ExtractedDocument read(const QByteArray& bytes, const QString& fileName,
                           const ReadContext& context);

    void stop();
    qint64 processId() const; // of the running helper; -1 when none
    // What the running (or last) helper could put in place.
    std::optional<reader::SandboxReport> sandbox() const { return m_sandbox; }

private:
    struct Frame {
        reader::MessageType type{};
        QByteArray payload;
    };
    void start(const ReadContext& context);
    [[noreturn]] void cannotStart(const QString& why);
    Frame receive(QDeadlineTimer deadline, const ReadContext& context, qint64 maxPayload);
    [[noreturn]] void fail(const QString& reason);
    [[noreturn]] void failEnded(bool timedOut, int deadlineSeconds);
    QString readerName() const;
    QString where() const;
    QString memoryLimit() const;

    Options m_options;
    std::unique_ptr<ReaderProcess> m_process;
    std::optional<reader::SandboxReport> m_sandbox;
    QString m_startError; // set once starting failed: every later file fails the same way
    // The file in hand: its format once the helper found it, and the pages done so far.
    std::optional<DocumentFormat> m_format;
    quint32 m_steps = 0;
};

} // namespace quiver
