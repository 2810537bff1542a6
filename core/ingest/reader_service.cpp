#include "core/ingest/reader_service.h"

#include "core/ingest/document_reader.h"
#include "core/ingest/read_error.h"
#include "core/ingest/reader_sandbox.h"

#include <QFileInfo>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#ifdef Q_OS_WIN
#include <io.h>
#else
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <cerrno>

namespace quiver {

namespace {

using namespace reader;

// A file's bytes plus the request's own fields; the parent's files are at most its
// import/maxFileBytes, and the address-space limit bounds this anyway.
constexpr qint64 kMaxRequestPayload = (1LL << 30) + (1 << 20);

bool readFully(int fd, char* buffer, qint64 size) {
    qint64 done = 0;
    while (done < size) {
#ifdef Q_OS_WIN
        const int n = ::_read(fd, buffer + done, unsigned(std::min<qint64>(size - done, 1 << 30)));
#else
        const ssize_t n = ::read(fd, buffer + done, size_t(size - done));
#endif
        if (n > 0)
            done += n;
        else if (n == 0 || errno != EINTR)
            return false;
    }
    return true;
}

bool writeFully(int fd, const QByteArray& data) {
    qsizetype done = 0;
    while (done < data.size()) {
#ifdef Q_OS_WIN
        const int n = ::_write(fd, data.constData() + done,
                               unsigned(std::min<qsizetype>(data.size() - done, 1 << 30)));
#else
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
#endif
        if (n > 0)
            done += n;
        else if (n == 0 || errno != EINTR)
            return false;
    }
    return true;
}

// The parent is gone or no longer listening: nothing left to do.
class Output {
public:
    explicit Output(int fd)
        : m_fd(fd) {}
    void send(MessageType type, const QByteArray& payload) {
        // A long document's text goes from its own buffer, not copied once more into a frame.
        const bool ok =
            payload.size() > (64 << 10)
                ? writeFully(m_fd, header(type, payload.size())) && writeFully(m_fd, payload)
                : writeFully(m_fd, frame(type, payload));
        if (!ok)
            std::_Exit(0);
    }

private:
    int m_fd;
};

#ifndef Q_OS_WIN
QString outcome(int result, int error) {
    if (result >= 0)
        return QStringLiteral("allowed");
    return QStringLiteral("refused (%1)").arg(QString::fromLocal8Bit(std::strerror(error)));
}

// What the sandbox lets this process do, for the tests: each line "what: allowed|refused (...)".
QString probe(const SandboxReport& sandbox) {
    QStringList lines;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    lines.append(QStringLiteral("socket(AF_INET): ") + outcome(fd, errno));
    if (fd >= 0)
        ::close(fd);
    fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    lines.append(QStringLiteral("socket(AF_UNIX): ") + outcome(fd, errno));
    if (fd >= 0) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, "/nonexistent/quiver-reader-probe");
        const int r = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
        lines.append(QStringLiteral("connect: ") + outcome(r, errno));
        ::close(fd);
    }
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    lines.append(QStringLiteral("fork: ") + outcome(child, errno));
    if (child > 0)
        ::waitpid(child, nullptr, 0);
    // Allowed, this process would become /bin/true and the importer would see it end.
    char program[] = "/bin/true";
    char* const argv[] = {program, nullptr};
    char* const envp[] = {nullptr};
    const int r = ::execve(program, argv, envp);
    lines.append(QStringLiteral("exec: ") + outcome(r, errno));
    bool ran = false;
    try {
        std::thread thread([&ran]() { ran = true; });
        thread.join();
    } catch (const std::exception&) {
    }
    lines.append(QStringLiteral("thread: ") +
                 (ran ? QStringLiteral("ran") : QStringLiteral("failed")));
    lines.append(QStringLiteral("filter: ") +
                 (sandbox.syscallFilter ? QStringLiteral("on") : sandbox.syscallNote));
    return lines.join(QLatin1Char('\n'));
}
#else
QString probe(const SandboxReport& sandbox) {
    return QStringLiteral("filter: ") + sandbox.syscallNote;
}
#endif

class Session {
public:
    Session(Output& out, const SandboxReport& sandbox, bool testHooks)
        : m_out(out)
        , m_sandbox(sandbox)
        , m_testHooks(testHooks) {}

    // False when the process must end (after memory exhaustion).
    bool serve(const ReadRequest& request) {
        m_steps = 0;
        try {
            if (m_testHooks && request.bytes.startsWith(ReaderService::kTestHookPrefix)) {
                hook(request);
                return true;
            }
            const ContentSniffer::Result sniffed =
                ContentSniffer::sniff(request.bytes, QFileInfo(request.fileName).suffix());
            if (sniffed.format != DocumentFormat::Unsupported)
                m_out.send(MessageType::Begin, encodeBegin(sniffed.format));
            ReadContext context;
            context.ocrEnabled = request.ocrEnabled;
            context.ocrLanguage = request.ocrLanguage;
            context.maxDecompressedBytes = request.maxDecompressedBytes;
            context.maxTextChars = request.maxTextChars;
            context.deadlineSeconds = request.deadlineSeconds;
            context.deadline = QDeadlineTimer(qint64(request.deadlineSeconds) * 1000);
            context.onProgress = [this](double fraction) { step(fraction); };
            const ExtractedDocument doc =
                DocumentReader::read(request.bytes, request.fileName, sniffed, context);
            m_out.send(MessageType::Document, encodeDocument(doc));
        } catch (const ReadError& e) {
            m_out.send(MessageType::Refused, encodeRefused({e.reason(), e.deliberate()}));
        } catch (const std::bad_alloc&) {
            m_out.send(MessageType::OutOfMemory, {});
            return false;
        } catch (const ReadCancelled&) {
            m_out.send(MessageType::Refused, encodeRefused({QStringLiteral("cancelled"), false}));
        } catch (const std::exception& e) {
            m_out.send(MessageType::Refused,
                       encodeRefused({QStringLiteral("unexpected error: %1")
                                          .arg(QString::fromUtf8(e.what()).left(500)),
                                      false}));
        }
        return true;
    }

private:
    void step(double fraction) {
        ++m_steps;
        m_out.send(MessageType::Progress, encodeProgress({fraction, m_steps}));
    }

    // Test files: they pretend to be a PDF whose first two pages went well, so that the
    // importer's reason names the reader and the page ("the PDF reader ... on page 3").
    void hook(const ReadRequest& request) {
        const QByteArray what =
            request.bytes.mid(qsizetype(std::strlen(ReaderService::kTestHookPrefix)))
                .split('\n')
                .value(0)
                .trimmed();
        if (what == "probe") {
            ExtractedDocument doc;
            doc.format = DocumentFormat::Text;
            doc.mime = QStringLiteral("text/plain");
            doc.title = QStringLiteral("probe");
            doc.text = probe(m_sandbox);
            m_out.send(MessageType::Begin, encodeBegin(doc.format));
            m_out.send(MessageType::Document, encodeDocument(doc));
            return;
        }
        m_out.send(MessageType::Begin, encodeBegin(DocumentFormat::Pdf));
        step(0.2);
        step(0.4);
        if (what == "crash") {
            std::raise(SIGSEGV);
        } else if (what == "hang") {
            for (;;)
                std::this_thread::sleep_for(std::chrono::hours(1));
        } else if (what == "allocate") {
            if (m_sandbox.memoryLimitBytes <= 0)
                throw ReadError(QStringLiteral("no memory limit in force to exceed"));
            // Touched, so that the pages are really taken; bad_alloc at the limit.
            std::vector<std::unique_ptr<char[]>> blocks;
            for (qint64 total = 0; total < 2 * m_sandbox.memoryLimitBytes; total += 16 << 20) {
                blocks.push_back(std::make_unique<char[]>(16 << 20));
                std::memset(blocks.back().get(), 1, 16 << 20);
            }
            throw ReadError(QStringLiteral("the memory limit did not hold"));
        } else if (what == "garbage") {
            // A Document whose text is not UTF-8 and whose page starts lie outside it.
            QByteArray payload = encodeDocument([] {
                ExtractedDocument doc;
                doc.format = DocumentFormat::Pdf;
                doc.title = QStringLiteral("garbage");
                doc.text = QStringLiteral("ok");
                doc.pageStarts = {0, 99};
                doc.ocrPages = {false, false};
                return doc;
            }());
            m_out.send(MessageType::Document, payload);
            return;
        }
        throw ReadError(QStringLiteral("unknown test hook"));
    }

    Output& m_out;
    const SandboxReport& m_sandbox;
    bool m_testHooks = false;
    quint32 m_steps = 0;
};

} // namespace

int ReaderService::run(int input, int output, const SandboxReport& sandbox, bool testHooks) {
    Output out(output);
    out.send(MessageType::Hello, encodeHello({kProtocolVersion, sandbox}));
    Session session(out, sandbox, testHooks);
    for (;;) {
        char header[kHeaderBytes];
        if (!readFully(input, header, kHeaderBytes))
            return 0; // the importer is done with this helper
        MessageType type{};
        qint64 length = 0;
        if (!parseHeader(header, kMaxRequestPayload, type, length) || type != MessageType::Read) {
            qWarning("quiver-reader: malformed request header");
            return 2;
        }
        std::optional<ReadRequest> request;
        try {
            QByteArray payload(static_cast<qsizetype>(length), Qt::Uninitialized);
            if (!readFully(input, payload.data(), length))
                return 0;
            request = decodeRead(payload);
        } catch (const std::bad_alloc&) {
            out.send(MessageType::OutOfMemory, {}); // a file larger than the limit allows
            return 3;
        }
        if (!request) {
            qWarning("quiver-reader: malformed request");
            return 2;
        }
        ReaderSandbox::limitCpuSeconds(request->cpuSeconds);
        if (!session.serve(*request))
            return 3;
    }
}

} // namespace quiver
