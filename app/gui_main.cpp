// quiver: the desktop application.
#include "core/jobs/background_worker.h"
#include "core/session/database_session.h"
#include "core/util/core_dumps.h"
#include "core/util/termination_signals.h"
#include "quiver_version.h"
#include "ui/common/translations.h"
#include "ui/mainwindow/main_window.h"

#include <QApplication>
#include <QIcon>
#include <QSettings>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
const char* const kHelp = R"(Usage: quiver [--db CONNINFO]

Semantic search over your documents, backed by PostgreSQL.

Options:
  --db CONNINFO   use this PostgreSQL database (libpq conninfo or postgresql:// URL) instead of
                  $QUIVER_DB, the server saved in Settings, or Quiver's private database
  --version       print the version and exit
  -h, --help      print this help and exit
)";

QString dbArgument(const QStringList& args) {
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--db") && i + 1 < args.size())
            return args[i + 1];
        if (args[i].startsWith(QLatin1String("--db=")))
            return args[i].mid(5);
    }
    return {};
}
} // namespace

int main(int argc, char** argv) {
    quiver::disableCoreDumps();
    // Answer these before QApplication exists: it needs a display, they do not.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("quiver %s\n", QUIVER_VERSION_STRING);
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(kHelp, stdout);
            return 0;
        }
    }

    QApplication app(argc, argv);
    // Before any widget exists: every tr() call from here on is translated.
    quiver::installTranslations();
    QApplication::setOrganizationName(QStringLiteral(QUIVER_ORGANIZATION_NAME));
    QApplication::setApplicationName(QStringLiteral(QUIVER_APPLICATION_NAME));
    QApplication::setApplicationVersion(QStringLiteral(QUIVER_VERSION_STRING));
    QApplication::setDesktopFileName(QStringLiteral("io.quiver.Quiver"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/quiver.svg")));

    int code = 0;
    {
        // Destroyed in reverse: the window, then the worker (it releases its batch), then the
        // session (it leaves the private database, which stops when no other Quiver uses it).
        quiver::DatabaseSession session;
        quiver::BackgroundWorker worker;
        quiver::MainWindow window(&session);
        window.setBackgroundWorker(&worker);
        // A logout, `kill` or Ctrl+C is Quit.
        quiver::TerminationSignals termination;
        QObject::connect(&termination, &quiver::TerminationSignals::received, &window, [&window] {
            window.close();
            QApplication::quit();
        });
        window.show();
        session.open(
            quiver::DatabaseTarget::resolve(dbArgument(QApplication::arguments()), QSettings()));
        code = QApplication::exec();
    }
    // A worker thread that did not stop in time is still inside a database or network call:
    // the process ends here rather than run Qt's and the libraries' destructors under it.
    if (quiver::BackgroundWorker::threadsStillStopping() > 0) {
        std::fflush(nullptr);
        std::_Exit(code);
    }
    return code;
}
