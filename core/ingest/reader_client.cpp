#include "core/ingest/reader_client.h"

#include "core/ingest/read_error.h"
#include "core/ingest/reader_process.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <csignal>
#include <mutex>

namespace quiver {

using namespace reader;

namespace {

// Loading Qt, Poppler and Tesseract; generous for a machine busy with the import itself.
constexpr qint64 kStartMs = 60'000;
// Beyond the file's own deadline, which the helper enforces itself with a clearer message:
// how long the importer waits for it before killing it.
constexpr int kMinGraceSeconds = 5;
// What a helper that has closed its stream gets to finish exiting.
constexpr qint64 kExitMs = 5'000;
// Frames other than a Document are small.
constexpr qint64 kMaxSmallPayload = 64 * 1024;
// A frame's payload is read in steps of this much, so that a length the helper claims costs
// nothing until the bytes really come.
constexpr qint64 kReadStep = 1 << 20;

// What the helper gets of this process's environment: the locale, where its libraries and
// their data are, the sanitizers' options, the test switch. Nothing else (database passwords,
// tokens) goes along.
const char* const kPassedVariables[] = {"LANG",
                                        "LANGUAGE",
                                        "LC_ALL",
                                        "LC_CTYPE",
                                        "HOME",
                                        "TMPDIR",
                                        "TEMP",
                                        "TMP",
                                        "XDG_CACHE_HOME",
                                        "XDG_CONFIG_HOME",
                                        "XDG_DATA_DIRS",
                                        "FONTCONFIG_FILE",
                                        "FONTCONFIG_PATH",
                                        "TESSDATA_PREFIX",
                                        "MAGIC",
                                        "LD_LIBRARY_PATH",
                                        "DYLD_LIBRARY_PATH",
                                        "DYLD_FRAMEWORK_PATH",
                                        "QT_PLUGIN_PATH",
                                        "SystemRoot",
                                        "WINDIR",
                                        "ASAN_OPTIONS",
                                        "LSAN_OPTIONS",
                                        "UBSAN_OPTIONS",
                                        "TSAN_OPTIONS",
                                        "QUIVER_READER_TEST_HOOKS"};

QStringList helperEnvironment() {
    QStringList env;
    for (const char* name : kPassedVariables) {
        if (qEnvironmentVariableIsSet(name))
            env.append(QString::fromLatin1(name) + QLatin1Char('=') + qEnvironmentVariable(name));
    }
    // One reader per import thread already uses every core: OCR on one thread each, and few
    // malloc arenas, whose reservations count against the address-space limit.
    env.append(QStringLiteral("OMP_THREAD_LIMIT=1"));
    env.append(QStringLiteral("MALLOC_ARENA_MAX=2"));
    return env;
}

QString programName() {
#ifdef Q_OS_WIN
    return QStringLiteral("quiver-reader.exe");
#else
    return QStringLiteral("quiver-reader");
#endif
}

QString signalName(int signal) {
    switch (signal) {
#ifdef SIGSEGV
    case SIGSEGV:
        return QStringLiteral("invalid memory access");
#endif
#ifdef SIGBUS
    case SIGBUS:
        return QStringLiteral("bus error");
#endif
#ifdef SIGABRT
    case SIGABRT:
        return QStringLiteral("it aborted");
#endif
#ifdef SIGFPE
    case SIGFPE:
        return QStringLiteral("arithmetic error");
#endif
#ifdef SIGILL
    case SIGILL:
        return QStringLiteral("illegal instruction");
#endif
#ifdef SIGSYS
    case SIGSYS:
        return QStringLiteral("a forbidden system call");
#endif
    default:
        return QStringLiteral("signal %1").arg(signal);
    }
}

void warnOnce(const SandboxReport& sandbox) {
    static std::once_flag memory;
    static std::once_flag filter;
    if (sandbox.memoryLimitBytes == 0 && !sandbox.memoryNote.isEmpty())
        std::call_once(memory, [&]() {
            qWarning("quiver-reader runs without a memory limit: %s",
                     qPrintable(sandbox.memoryNote));
        });
    if (!sandbox.syscallFilter)
        std::call_once(filter, [&]() {
            qWarning("quiver-reader runs without its network and process filter: %s",
                     qPrintable(sandbox.syscallNote));
        });
}

} // namespace

QString ReaderClient::locateProgram() {
    const QString set = qEnvironmentVariable(kProgramVariable);
    if (!set.isEmpty())
        return set;
    if (!QCoreApplication::instance())
        return programName();
    return QDir(QCoreApplication::applicationDirPath()).filePath(programName());
}

ReaderClient::ReaderClient(Options options)
    : m_options(std::move(options)) {
    if (m_options.program.isEmpty())
        m_options.program = locateProgram();
}

ReaderClient::~ReaderClient() {
    stop();
}

void ReaderClient::stop() {
    if (m_process)
        m_process->kill();
}

qint64 ReaderClient::processId() const {
    return m_process ? m_process->pid() : -1;
}

void ReaderClient::cannotStart(const QString& why) {
    m_startError = QStringLiteral("the document reader could not be started: %1; Quiver needs "
                                  "quiver-reader installed next to it")
                       .arg(why);
    qWarning("%s", qPrintable(m_startError));
    stop();
    throw ReadError(m_startError);
}

void ReaderClient::start(const ReadContext& context) {
    if (m_process && m_process->isRunning())
        return;
    if (!m_startError.isEmpty())
        throw ReadError(m_startError);
    const QFileInfo program(m_options.program);
    if (!program.isFile() || !program.isExecutable())
        cannotStart(QStringLiteral("%1 is missing or not a program").arg(m_options.program));

    if (!m_process)
        m_process = std::make_unique<ReaderProcess>();
    QString error;
    const QStringList arguments{QStringLiteral("--memory-limit"),
                                QString::number(m_options.memoryLimitBytes)};
    if (!m_process->start(m_options.program, arguments, helperEnvironment(), &error))
        cannotStart(QStringLiteral("%1: %2").arg(m_options.program, error));

    ReadContext starting = context;
    starting.deadlineSeconds = int(kStartMs / 1000);
    Frame hello;
    try {
        hello = receive(QDeadlineTimer(kStartMs), starting, kMaxSmallPayload);
    } catch (const ReadError& e) {
        cannotStart(QStringLiteral("%1: %2").arg(m_options.program, e.reason()));
    }
    const std::optional<Hello> h =
        hello.type == MessageType::Hello ? decodeHello(hello.payload) : std::nullopt;
    if (!h)
        cannotStart(QStringLiteral("%1 did not introduce itself").arg(m_options.program));
    if (h->version != kProtocolVersion)
        cannotStart(QStringLiteral("%1 is from another version of Quiver (protocol %2, not %3)")
                        .arg(m_options.program)
                        .arg(h->version)
                        .arg(kProtocolVersion));
    m_sandbox = h->sandbox;
    warnOnce(h->sandbox);
}

ReaderClient::Frame ReaderClient::receive(QDeadlineTimer deadline, const ReadContext& context,
                                          qint64 maxPayload) {
    const auto check = [&](ReaderProcess::Io io) {
        switch (io) {
        case ReaderProcess::Io::Done:
            return;
        case ReaderProcess::Io::Cancelled:
            stop();
            throw ReadCancelled();
        case ReaderProcess::Io::TimedOut:
            failEnded(true, context.deadlineSeconds);
        case ReaderProcess::Io::Closed:
            failEnded(false, context.deadlineSeconds);
        }
    };
    char header[kHeaderBytes];
    check(m_process->read(header, kHeaderBytes, deadline, context.cancelled));
    Frame f;
    qint64 length = 0;
    if (!parseHeader(header, std::max(maxPayload, kMaxSmallPayload), f.type, length))
        fail(QStringLiteral("%1 sent back a malformed answer (a bad frame); the file was not "
                            "imported")
                 .arg(readerName()));
    if (f.type != MessageType::Document && length > kMaxSmallPayload)
        fail(QStringLiteral("%1 sent back a malformed answer (an oversized frame); the file was "
                            "not imported")
                 .arg(readerName()));
    while (f.payload.size() < length) {
        const qsizetype had = f.payload.size();
        const qint64 step = std::min<qint64>(length - had, kReadStep);
        f.payload.resize(had + static_cast<qsizetype>(step));
        check(m_process->read(f.payload.data() + had, step, deadline, context.cancelled));
    }
    return f;
}

void ReaderClient::fail(const QString& reason) {
    stop();
    throw ReadError(reason);
}

void ReaderClient::failEnded(bool timedOut, int deadlineSeconds) {
    if (timedOut) {
        stop();
        throw ReadError(QStringLiteral("reading it took longer than its %1 s limit: %2 stopped "
                                       "responding%3 and was stopped; raise "
                                       "import/maxReadSeconds if it is genuine")
                            .arg(deadlineSeconds)
                            .arg(readerName(), where()));
    }
    const ReaderProcess::Exit exit = m_process->finish(QDeadlineTimer(kExitMs));
    if (exit.killed) // closed its stream but would not end
        throw ReadError(
            QStringLiteral("%1 stopped answering%2 and was stopped").arg(readerName(), where()));
    if (!exit.crashed)
        throw ReadError(QStringLiteral("%1 stopped unexpectedly%2 (exit code %3)")
                            .arg(readerName(), where())
                            .arg(exit.code));
#ifdef SIGKILL
    if (exit.code == SIGKILL)
        throw ReadError(QStringLiteral("%1 was killed by the system%2, most likely for "
                                       "exceeding memory (its limit is %3, "
                                       "import/readerMemoryMiB)")
                            .arg(readerName(), where(), memoryLimit()));
#endif
#ifdef SIGXCPU
    if (exit.code == SIGXCPU)
        throw ReadError(QStringLiteral("%1 used more than its %2 s of processor time%3 (damaged, "
                                       "or made to be slow to read); raise "
                                       "import/maxReadSeconds if it is genuine")
                            .arg(readerName())
                            .arg(deadlineSeconds)
                            .arg(where()));
#endif
    throw ReadError(QStringLiteral("%1 crashed%2 (%3); the file may be damaged or made to attack "
                                   "Quiver")
                        .arg(readerName(), where(), signalName(exit.code)));
}

QString ReaderClient::readerName() const {
    if (!m_format)
        return QStringLiteral("the document reader");
    switch (*m_format) {
    case DocumentFormat::Text:
        return QStringLiteral("the text reader");
    case DocumentFormat::Markdown:
        return QStringLiteral("the Markdown reader");
    case DocumentFormat::Html:
        return QStringLiteral("the HTML reader");
    case DocumentFormat::Pdf:
        return QStringLiteral("the PDF reader");
    case DocumentFormat::Docx:
        return QStringLiteral("the DOCX reader");
    case DocumentFormat::Pptx:
        return QStringLiteral("the PPTX reader");
    case DocumentFormat::Odt:
        return QStringLiteral("the ODT reader");
    case DocumentFormat::Odp:
        return QStringLiteral("the ODP reader");
    case DocumentFormat::Epub:
        return QStringLiteral("the EPUB reader");
    case DocumentFormat::Unsupported:
        break;
    }
    return QStringLiteral("the document reader");
}

QString ReaderClient::where() const {
    if (!m_format)
        return {};
    // Readers report progress once per page, slide or part read: the next one was in hand.
    switch (*m_format) {
    case DocumentFormat::Pdf:
        return QStringLiteral(" on page %1").arg(m_steps + 1);
    case DocumentFormat::Pptx:
        return QStringLiteral(" on slide %1").arg(m_steps + 1);
    case DocumentFormat::Epub:
        return QStringLiteral(" in part %1").arg(m_steps + 1);
    default:
        return {};
    }
}

QString ReaderClient::memoryLimit() const {
    const qint64 bytes = m_sandbox ? m_sandbox->memoryLimitBytes : m_options.memoryLimitBytes;
    if (bytes <= 0)
        return QStringLiteral("none");
    if (bytes % (1LL << 30) == 0)
        return QStringLiteral("%1 GiB").arg(bytes >> 30);
    return QStringLiteral("%1 MiB").arg(bytes >> 20);
}

ExtractedDocument ReaderClient::read(const QByteArray& bytes, const QString& fileName,
                                     const ReadContext& context) {
    context.checkCancelled();
    m_format.reset();
    m_steps = 0;
    start(context);

    ReadRequest request;
    request.fileName = QFileInfo(fileName).fileName();
    request.bytes = bytes;
    request.ocrEnabled = context.ocrEnabled;
    request.ocrLanguage = context.ocrLanguage;
    request.maxDecompressedBytes = context.maxDecompressedBytes;
    request.maxTextChars = context.maxTextChars;
    request.deadlineSeconds = std::max(1, context.deadlineSeconds);
    // Single-threaded reading uses at most its wall-clock time in processor time.
    request.cpuSeconds = request.deadlineSeconds;
    const int grace = std::max(kMinGraceSeconds, request.deadlineSeconds / 10);
    const QDeadlineTimer deadline(qint64(request.deadlineSeconds + grace) * 1000);

    const QByteArray fields = encodeReadFields(request);
    ReaderProcess::Io sent =
        m_process->write(header(MessageType::Read, fields.size() + bytes.size()) + fields, deadline,
                         context.cancelled);
    if (sent == ReaderProcess::Io::Done)
        sent = m_process->write(bytes, deadline, context.cancelled);
    switch (sent) {
    case ReaderProcess::Io::Done:
        break;
    case ReaderProcess::Io::Cancelled:
        stop();
        throw ReadCancelled();
    case ReaderProcess::Io::TimedOut:
        failEnded(true, request.deadlineSeconds);
    case ReaderProcess::Io::Closed:
        failEnded(false, request.deadlineSeconds);
    }

    ReadContext waiting = context;
    waiting.deadlineSeconds = request.deadlineSeconds;
    const qint64 maxPayload = maxDocumentPayload(request.maxTextChars);
    for (;;) {
        const Frame f = receive(deadline, waiting, maxPayload);
        switch (f.type) {
        case MessageType::Begin:
            if (const std::optional<DocumentFormat> format = decodeBegin(f.payload)) {
                m_format = format;
                continue;
            }
            break;
        case MessageType::Progress:
            if (const std::optional<Progress> p = decodeProgress(f.payload)) {
                m_steps = p->steps;
                context.progress(p->fraction);
                continue;
            }
            break;
        case MessageType::Document: {
            QString error;
            std::optional<ExtractedDocument> doc =
                decodeDocument(f.payload, request.maxTextChars, &error);
            if (!doc)
                fail(QStringLiteral("%1 sent back a malformed document (%2); the file was not "
                                    "imported")
                         .arg(readerName(), error));
            return std::move(*doc);
        }
        case MessageType::Refused:
            if (const std::optional<Refused> r = decodeRefused(f.payload))
                throw ReadError(r->reason, r->deliberate);
            break;
        case MessageType::OutOfMemory:
            m_process->finish(QDeadlineTimer(kExitMs)); // it ends itself, to start afresh
            throw ReadError(QStringLiteral("%1 exceeded its %2 memory limit%3; raise "
                                           "import/readerMemoryMiB if the file is genuine")
                                .arg(readerName(), memoryLimit(), where()));
        case MessageType::Hello:
        case MessageType::Read:
            break;
        }
        fail(QStringLiteral("%1 sent back a malformed answer (an unexpected message); the file "
                            "was not imported")
                 .arg(readerName()));
    }
}

} // namespace quiver
