#include "app/cli/worker_command.h"

#include "core/embed/api_key_resolver.h"
#include "core/embed/embedder_factory.h"
#include "core/jobs/embed_worker.h"
#include "core/jobs/job_runner.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_opener.h"

#include <QJsonObject>
#include <QSettings>

#include <csignal>
#include <cstdio>
#include <thread>

namespace quiver::cli {

namespace {

const QString kUsage = QStringLiteral(
    "usage: quiver-cli worker [--profile P] [--concurrency N] [--once] [--api-key-file FILE] "
    "[--lease SECONDS]");

// The worker and job runner the signal handlers stop; stop() only stores to atomics.
EmbedWorker* g_worker = nullptr;
JobRunner* g_runner = nullptr;

extern "C" void stopWorker(int) {
    if (g_worker)
        g_worker->stop();
    if (g_runner)
        g_runner->stop();
}

void logLine(const QString& message) {
    std::fprintf(stderr, "quiver-cli worker: %s\n", message.toLocal8Bit().constData());
    std::fflush(stderr);
}

} // namespace

int runWorkerCommand(const CliArguments& args, const CliOutput& out) {
    QStringList rest = args.words.mid(1);
    QString profileName;
    QString keyFile;
    QString concurrencyText;
    QString leaseText;
    bool present = false;
    if (!takeNonEmptyOption(rest, QStringLiteral("--profile"), profileName))
        return out.usageError(QStringLiteral("--profile needs a profile name\n") + kUsage);
    if (!takeNonEmptyOption(rest, QStringLiteral("--api-key-file"), keyFile))
        return out.usageError(QStringLiteral("--api-key-file needs a file name\n") + kUsage);
    if (!takeOption(rest, QStringLiteral("--concurrency"), concurrencyText, present))
        return out.usageError(QStringLiteral("--concurrency needs a number\n") + kUsage);
    bool ok = true;
    const int concurrency = present ? concurrencyText.toInt(&ok) : 0;
    if (!ok || concurrency < 0 || concurrency > 64)
        return out.usageError(QStringLiteral("--concurrency takes 1 to 64\n") + kUsage);
    if (!takeOption(rest, QStringLiteral("--lease"), leaseText, present))
        return out.usageError(QStringLiteral("--lease needs a number of seconds\n") + kUsage);
    const double lease = present ? leaseText.toDouble(&ok) : 120.0;
    if (!ok || lease < 0.5 || lease > 86400)
        return out.usageError(QStringLiteral("--lease takes 0.5 to 86400 seconds\n") + kUsage);
    const bool once = takeFlag(rest, QStringLiteral("--once"));
    if (!rest.isEmpty())
        return out.usageError(QStringLiteral("unexpected '%1'\n").arg(rest.first()) + kUsage);
    if (!keyFile.isEmpty() && profileName.isEmpty())
        return out.usageError(QStringLiteral("--api-key-file is the key of the profile named "
                                             "with --profile: name it\n") +
                              kUsage);

    DatabaseOpener opener;
    EmbedWorker::Options options;
    try {
        const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
        options.conninfo = opener.conninfoFor(target);
        (void)opener.open(target); // migrates
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
    options.profile = profileName;
    options.concurrency = concurrency;
    options.once = once;
    options.leaseSeconds = lease;

    // Each thread resolves keys with a keychain connection of its own.
    // QUIVER_API_KEY and the key file serve the profile named here, never one a job names.
    const EmbedWorker::EmbedderFactory factory = [keyFile,
                                                  profileName](const EmbeddingProfile& profile) {
        SecretStore store;
        const ApiKeyResolver::Result key = ApiKeyResolver(store).resolve(
            profile, ApiKeyResolver::Sources{keyFile, true, profileName});
        return createEmbedder(profile, key.key);
    };
    EmbedWorker worker(options, factory);
    // Progress goes to stderr, so that stdout stays for the result.
    worker.onLog = logLine;
    // The other scheduled jobs (reembed, sync_index, rescan_watched) run beside the embedding.
    JobRunner::Options runnerOptions;
    runnerOptions.conninfo = options.conninfo;
    runnerOptions.once = once;
    runnerOptions.leaseSeconds = lease;
    runnerOptions.embedderFactory = factory;
    JobRunner runner(runnerOptions);
    runner.onLog = logLine;
    g_worker = &worker;
    g_runner = &runner;
    struct sigaction action {};
    action.sa_handler = stopWorker;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::thread jobs([&runner] { (void)runner.run(); });
    const int status = worker.run();
    if (status != 0 || !once)
        runner.stop();
    jobs.join();
    g_worker = nullptr;
    g_runner = nullptr;
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    opener.release();

    const EmbedWorker::Counters c = worker.counters();
    if (status != 0)
        return out.error(worker.lastError());
    const JobRunner::Counters j = runner.counters();
    if (out.json()) {
        out.object(QJsonObject{{QStringLiteral("embedded"), c.done},
                               {QStringLiteral("reused"), c.reused},
                               {QStringLiteral("failed"), c.failed},
                               {QStringLiteral("errors"), c.errors},
                               {QStringLiteral("job_runs"), j.runs},
                               {QStringLiteral("job_runs_failed"), j.failed}});
    } else {
        out.line(QStringLiteral("embedded %1 chunks (%2 reused), %3 failed, %4 errors; "
                                "%5 job runs, %6 failed")
                     .arg(c.done)
                     .arg(c.reused)
                     .arg(c.failed)
                     .arg(c.errors)
                     .arg(j.runs)
                     .arg(j.failed));
    }
    return Success;
}

} // namespace quiver::cli
