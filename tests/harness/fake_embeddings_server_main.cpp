// A stand-alone fake embeddings server for tests that drive quiver-cli as a process.
//   fake_embeddings_server [--dimensions N] [--latency-ms N] [--rpm N] [--tpm N]
// The key it requires, if any, comes from FAKE_EMBEDDINGS_REQUIRED_KEY (never the command line).
// Prints "http://127.0.0.1:PORT" on the first line of standard output, then serves until killed
// or until standard input is closed.
#include "tests/harness/fake_embeddings_server.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    quiver::test::FakeEmbeddingsServer::Config config;
    const QStringList args = QCoreApplication::arguments().mid(1);
    for (qsizetype i = 0; i + 1 < args.size(); i += 2) {
        const int value = args[i + 1].toInt();
        if (args[i] == QLatin1String("--dimensions"))
            config.dimensions = value;
        else if (args[i] == QLatin1String("--latency-ms"))
            config.latencyMs = value;
        else if (args[i] == QLatin1String("--rpm"))
            config.rpm = value;
        else if (args[i] == QLatin1String("--tpm"))
            config.tpm = value;
        else {
            std::fprintf(stderr, "fake_embeddings_server: unknown option\n");
            return 2;
        }
    }
    config.requiredKey = qEnvironmentVariable("FAKE_EMBEDDINGS_REQUIRED_KEY");
    quiver::test::FakeEmbeddingsServer server(config);
    std::printf("%s\n", server.baseUrl().toUtf8().constData());
    std::fflush(stdout);
    QSocketNotifier stdinClosed(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinClosed, &QSocketNotifier::activated, &app, [&]() {
        char buffer[256];
        if (read(STDIN_FILENO, buffer, sizeof buffer) <= 0)
            QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}
