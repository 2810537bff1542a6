// quiver-cli: the headless face of Quiver, for scripts, servers and tests.
#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"
#include "app/cli/db_command.h"
#include "app/cli/embed_command.h"
#include "app/cli/import_command.h"
#include "app/cli/index_command.h"
#include "app/cli/jobs_command.h"
#include "app/cli/key_command.h"
#include "app/cli/profile_command.h"
#include "app/cli/search_command.h"
#include "app/cli/trash_command.h"
#include "app/cli/worker_command.h"
#include "core/util/core_dumps.h"
#include "quiver_version.h"

#include <QCoreApplication>

using namespace quiver::cli;

namespace {
const char* const kHelp = R"(Usage: quiver-cli [--db CONNINFO] [--json] COMMAND ...

Semantic search over your documents, backed by PostgreSQL.

Commands:
  db status                       server version, schema version, row counts
  import PATH... [--collection NAME] [--chunk-tokens N] [--overlap-tokens N]
          [--max-file-mb N] [--no-ocr] [--threads N] [--writers N]
  profile add NAME --kind openai|openai-compatible|ollama|local|lexical
          [--base-url URL] [--model M] [--dimensions N] [--batch-size N] [--concurrency N]
          [--rpm N] [--tpm N]
  profile list | remove NAME | default NAME
  key set PROFILE                 reads the key from stdin, stores it in the keychain and
                                  approves the profile's address (origin) for it
  key approve PROFILE [--origin URL]
                                  approves the profile's current address for its key
  key status PROFILE | key delete PROFILE
  embed TEXT [--profile P] [--api-key-file F]
                                  one text's vector; the key comes from the keychain, else
                                  (for P only) $QUIVER_API_KEY, else F (readable by its owner
                                  only); it goes only to the address approved for P
  worker [--profile P] [--concurrency N] [--once] [--api-key-file F] [--lease SECONDS]
                                  embeds pending chunks and runs due jobs; --once: until
                                  no chunk is left and the due jobs have run
  jobs list | history [JOB] | pause JOB | resume JOB | delete JOB
  jobs run JOB [--allow-mass-removal]
                                  wakes a worker to run JOB now; --allow-mass-removal runs a
                                  rescan_watched job here, moving to the trash what it held back
  jobs add PROC [--name N] [--profile P] [--collection C] [--schedule-interval I]
          [--fixed-schedule BOOL]
          [--initial-start TIME] [--max-runtime I] [--max-retries N] [--retry-period I]
          [--config JSON]
  jobs alter JOB [the options of add] [--next-start TIME] [--scheduled BOOL] [--adopt]
  trash list | restore ID... | empty [--older-than DAYS]
                                  removed documents, kept library/trashDays days (30)
  index status | rebuild | verify [--model M] [--sample N]
  search TEXT [-k N] [--collection C] [--type MIME[,MIME...]] [--after DATE]
         [--before DATE] [--mode hybrid|semantic|keyword] [--model M]

Options:
  --db CONNINFO   a libpq conninfo string or postgresql:// URL; else $QUIVER_DB;
                  else the server saved in Quiver's settings; else Quiver's private database
  --json          machine-readable output
  --version       print the version and exit
  -h, --help      print this help and exit

Exit status: 0 success, 1 failure, 2 wrong usage.)";
} // namespace

int main(int argc, char** argv) {
    quiver::disableCoreDumps();
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral(QUIVER_ORGANIZATION_NAME));
    QCoreApplication::setApplicationName(QStringLiteral(QUIVER_APPLICATION_NAME));
    QCoreApplication::setApplicationVersion(QStringLiteral(QUIVER_VERSION_STRING));

    const CliArguments args = CliArguments::parse(QCoreApplication::arguments());
    const CliOutput out(args.json);
    if (!args.error.isEmpty())
        return out.usageError(args.error);
    if (args.version) {
        out.line(QStringLiteral("quiver-cli " QUIVER_VERSION_STRING));
        return Success;
    }
    if (args.help) {
        out.line(QString::fromUtf8(kHelp));
        return Success;
    }
    if (args.words.isEmpty())
        return out.usageError(QStringLiteral("no command given"));

    const QString command = args.words.first();
    if (command == QLatin1String("db"))
        return runDbCommand(args, out);
    if (command == QLatin1String("import"))
        return runImportCommand(args, out);
    if (command == QLatin1String("profile"))
        return runProfileCommand(args, out);
    if (command == QLatin1String("key"))
        return runKeyCommand(args, out);
    if (command == QLatin1String("embed"))
        return runEmbedCommand(args, out);
    if (command == QLatin1String("worker"))
        return runWorkerCommand(args, out);
    if (command == QLatin1String("jobs"))
        return runJobsCommand(args, out);
    if (command == QLatin1String("search"))
        return runSearchCommand(args, out);
    if (command == QLatin1String("index"))
        return runIndexCommand(args, out);
    if (command == QLatin1String("trash"))
        return runTrashCommand(args, out);
    return out.usageError(QStringLiteral("unknown command '%1'").arg(command));
}
