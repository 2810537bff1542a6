#include "app/cli/jobs_command.h"

#include "core/jobs/host_id.h"
#include "core/jobs/job_repository.h"
#include "core/jobs/job_runner.h"
#include "core/jobs/reembed_job.h"
#include "core/jobs/rescan_watched_job.h"
#include "core/session/database_opener.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>

namespace quiver::cli {

namespace {

const QString kUsage = QStringLiteral(
    "usage: quiver-cli jobs list | history [JOB] | pause JOB | resume JOB | delete JOB\n"
    "       quiver-cli jobs run JOB [--allow-mass-removal]\n"
    "       quiver-cli jobs add PROC [--name N] [--profile P] [--collection C]\n"
    "                  [--schedule-interval I]\n"
    "                  [--fixed-schedule true|false] [--initial-start TIME] [--max-runtime I]\n"
    "                  [--max-retries N] [--retry-period I] [--config JSON]\n"
    "       quiver-cli jobs alter JOB [the options of add] [--next-start TIME]\n"
    "                  [--scheduled true|false] [--adopt]");

QString iso(const QDateTime& t) {
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString interval(qint64 ms) {
    if (ms % 1000 != 0)
        return QStringLiteral("%1ms").arg(ms);
    const qint64 s = ms / 1000;
    if (s % 3600 == 0)
        return QStringLiteral("%1h").arg(s / 3600);
    if (s % 60 == 0)
        return QStringLiteral("%1m").arg(s / 60);
    return QStringLiteral("%1s").arg(s);
}

const QString& thisHost() {
    static const QString id = HostId::local();
    return id;
}

QJsonObject toJson(const Job& j) {
    return QJsonObject{
        {QStringLiteral("id"), j.id},
        {QStringLiteral("name"), j.name},
        {QStringLiteral("proc"), j.proc},
        {QStringLiteral("schedule_interval"), interval(j.scheduleIntervalMs)},
        {QStringLiteral("fixed_schedule"), j.fixedSchedule},
        {QStringLiteral("initial_start"), iso(j.initialStart)},
        {QStringLiteral("next_start"), iso(j.nextStart)},
        {QStringLiteral("max_runtime"), j.maxRuntimeMs > 0 ? interval(j.maxRuntimeMs) : QString()},
        {QStringLiteral("max_retries"), j.maxRetries},
        {QStringLiteral("retry_period"), interval(j.retryPeriodMs)},
        {QStringLiteral("scheduled"), j.scheduled},
        {QStringLiteral("config"), j.config},
        {QStringLiteral("owner"), j.owner},
        {QStringLiteral("host_id"), j.hostId},
        {QStringLiteral("this_host"), j.hostId == thisHost()},
        {QStringLiteral("last_run_status"), j.lastRunStatus},
        {QStringLiteral("last_finish"), iso(j.lastFinish)},
        {QStringLiteral("total_runs"), j.totalRuns},
        {QStringLiteral("total_successes"), j.totalSuccesses},
        {QStringLiteral("total_failures"), j.totalFailures}};
}

QJsonObject toJson(const JobRun& r) {
    return QJsonObject{{QStringLiteral("id"), r.id},
                       {QStringLiteral("job_id"), r.jobId},
                       {QStringLiteral("job"), r.jobName},
                       {QStringLiteral("worker"), r.worker},
                       {QStringLiteral("started_at"), iso(r.startedAt)},
                       {QStringLiteral("finished_at"), iso(r.finishedAt)},
                       {QStringLiteral("status"), r.status},
                       {QStringLiteral("rows_done"), r.rowsDone},
                       {QStringLiteral("rows_failed"), r.rowsFailed},
                       {QStringLiteral("error"), r.error},
                       {QStringLiteral("details"), r.details}};
}

// `jobs run JOB --allow-mass-removal`: the user confirms, on the machine that owns the rescan,
// what its runs held back. The run happens here and now, in this process, so the allowance
// covers exactly this one run and never reaches a worker.
int runHereAllowingMassRemoval(const Job& job, const QString& conninfo, const CliOutput& out) {
    if (job.proc != QLatin1String("rescan_watched"))
        return out.usageError(
            QStringLiteral("--allow-mass-removal applies to rescan_watched jobs only\n") + kUsage);
    if (job.hostId != thisHost())
        return out.error(QStringLiteral("job \"%1\" belongs to another machine: run this there "
                                        "(or make it this machine's with 'quiver-cli jobs alter "
                                        "%1 --adopt')")
                             .arg(job.name));
    JobRunner::Options options;
    options.conninfo = conninfo;
    options.once = true;
    options.onlyJob = job.id;
    options.procs = {job.proc};
    options.allowMassRemoval = true;
    JobRunner runner(options);
    std::optional<JobRunner::RunReport> report;
    runner.onRunFinished = [&report](const JobRunner::RunReport& r) { report = r; };
    if (runner.run() != 0)
        return out.error(runner.lastError());
    if (!report)
        return out.error(QStringLiteral("job \"%1\" did not run: a run of it is still going on "
                                        "(see 'quiver-cli jobs history %1'), or it is paused")
                             .arg(job.name));
    if (out.json()) {
        out.object(QJsonObject{{QStringLiteral("job"), job.name},
                               {QStringLiteral("status"), report->status},
                               {QStringLiteral("error"), report->error},
                               {QStringLiteral("details"), report->details}});
    } else {
        out.line(QStringLiteral("%1: %2, %3 imported, %4 moved to the trash")
                     .arg(job.name, report->status)
                     .arg(report->details.value(QStringLiteral("imported")).toInt())
                     .arg(report->details.value(QStringLiteral("removed")).toInt()));
    }
    if (report->status != QLatin1String("success"))
        return out.error(report->error);
    return Success;
}

std::optional<bool> parseBool(const QString& text) {
    if (text == QLatin1String("true") || text == QLatin1String("on") || text == QLatin1String("1"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("off") ||
        text == QLatin1String("0"))
        return false;
    return std::nullopt;
}

// Pops the options of add/alter into spec; returns an error message, empty when fine.
QString takeSpec(QStringList& rest, JobSpec& spec) {
    QString value;
    bool present = false;
    const auto take = [&](const char* name) {
        present = false;
        value.clear();
        if (!takeOption(rest, QString::fromLatin1(name), value, present))
            return false;
        return true;
    };
    const auto missing = [](const char* name) {
        return QStringLiteral("%1 needs a value").arg(QString::fromLatin1(name));
    };
    if (!take("--name"))
        return missing("--name");
    if (present)
        spec.name = value;
    if (!take("--schedule-interval"))
        return missing("--schedule-interval");
    if (present)
        spec.scheduleInterval = value;
    if (!take("--max-runtime"))
        return missing("--max-runtime");
    if (present)
        spec.maxRuntime = value == QLatin1String("none") ? QString() : value;
    if (!take("--retry-period"))
        return missing("--retry-period");
    if (present)
        spec.retryPeriod = value;
    if (!take("--max-retries"))
        return missing("--max-retries");
    if (present) {
        bool ok = false;
        spec.maxRetries = value.toInt(&ok);
        if (!ok)
            return QStringLiteral("--max-retries takes a whole number (-1: retry forever)");
    }
    for (const char* name : {"--fixed-schedule", "--scheduled"}) {
        if (!take(name))
            return missing(name);
        if (!present)
            continue;
        const std::optional<bool> b = parseBool(value);
        if (!b)
            return QStringLiteral("%1 takes true or false").arg(QString::fromLatin1(name));
        (qstrcmp(name, "--scheduled") == 0 ? spec.scheduled : spec.fixedSchedule) = *b;
    }
    for (const char* name : {"--initial-start", "--next-start"}) {
        if (!take(name))
            return missing(name);
        if (!present)
            continue;
        QDateTime t = value == QLatin1String("now") ? QDateTime::currentDateTimeUtc()
                                                    : QDateTime::fromString(value, Qt::ISODate);
        if (!t.isValid())
            return QStringLiteral("%1 takes an ISO 8601 time such as 2026-01-31T08:00:00Z, or now")
                .arg(QString::fromLatin1(name));
        (qstrcmp(name, "--initial-start") == 0 ? spec.initialStart : spec.nextStart) = t;
    }
    QJsonObject config;
    bool configGiven = false;
    if (!take("--config"))
        return missing("--config");
    if (present) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(value.toUtf8(), &error);
        if (!doc.isObject())
            return QStringLiteral("--config takes a JSON object, e.g. '{\"batch_size\": 64}'");
        config = doc.object();
        configGiven = true;
    }
    for (const char* name : {"--profile", "--collection"}) {
        if (!take(name))
            return missing(name);
        if (present) {
            config.insert(QString::fromLatin1(name + 2), value);
            configGiven = true;
        }
    }
    if (configGiven)
        spec.config = config;
    return {};
}

} // namespace

int runJobsCommand(const CliArguments& args, const CliOutput& out) {
    QStringList rest = args.words.mid(1);
    if (rest.isEmpty())
        return out.usageError(kUsage);
    const QString sub = rest.takeFirst();
    static const QStringList known{QStringLiteral("list"),   QStringLiteral("add"),
                                   QStringLiteral("alter"),  QStringLiteral("pause"),
                                   QStringLiteral("resume"), QStringLiteral("delete"),
                                   QStringLiteral("run"),    QStringLiteral("history")};
    if (!known.contains(sub))
        return out.usageError(QStringLiteral("unknown jobs command '%1'\n").arg(sub) + kUsage);

    JobSpec spec;
    if (sub == QLatin1String("add") || sub == QLatin1String("alter")) {
        const QString problem = takeSpec(rest, spec);
        if (!problem.isEmpty())
            return out.usageError(problem + QLatin1Char('\n') + kUsage);
    }
    // A job adopted here rescans this machine's folders from now on.
    if (sub == QLatin1String("alter") && takeFlag(rest, QStringLiteral("--adopt")))
        spec.hostId = thisHost();
    const bool allowMassRemoval =
        sub == QLatin1String("run") && takeFlag(rest, QStringLiteral("--allow-mass-removal"));
    const bool needsJob = sub != QLatin1String("list") && sub != QLatin1String("add") &&
                          sub != QLatin1String("history");
    if (sub == QLatin1String("add")) {
        if (rest.size() != 1)
            return out.usageError(QStringLiteral("jobs add takes one PROC\n") + kUsage);
        spec.proc = rest.first();
        if (spec.proc == QLatin1String("reembed")) {
            const QString problem = ReembedJob::configProblem(spec.config.value_or(QJsonObject()));
            if (!problem.isEmpty())
                return out.usageError(problem + QLatin1Char('\n') + kUsage);
        }
    } else if (needsJob && rest.size() != 1) {
        return out.usageError(QStringLiteral("jobs %1 takes one JOB (id or name)\n").arg(sub) +
                              kUsage);
    } else if (!needsJob && rest.size() > (sub == QLatin1String("history") ? 1 : 0)) {
        return out.usageError(QStringLiteral("unexpected '%1'\n").arg(rest.first()) + kUsage);
    }

    try {
        const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
        DatabaseOpener opener;
        PgConnection conn = opener.open(target);
        JobRepository jobs(conn);
        // Folders named on this machine's command line are this machine's choice: they become
        // its watch folders, the only ones a rescan reads here.
        const auto watchConfiguredPaths = [&](const Job& job) {
            if (job.proc != QLatin1String("rescan_watched") || job.hostId != thisHost() ||
                !spec.config)
                return;
            QStringList folders;
            for (const QJsonValue& v : spec.config->value(QStringLiteral("paths")).toArray()) {
                if (!v.toString().isEmpty())
                    folders.append(v.toString());
            }
            QSettings settings;
            RescanWatchedJob::addWatchFolders(settings, folders);
        };
        const auto print = [&](const Job& j) {
            if (out.json()) {
                out.object(toJson(j));
                return;
            }
            out.line(QStringLiteral("%1\t%2\t%3\tevery %4%5\t%6\tnext %7\tlast %8\t%9 ok / %10 "
                                    "failed")
                         .arg(j.id)
                         .arg(j.name, j.proc, interval(j.scheduleIntervalMs),
                              j.fixedSchedule ? QStringLiteral(" (fixed)") : QString(),
                              j.scheduled ? QStringLiteral("scheduled") : QStringLiteral("paused"),
                              iso(j.nextStart),
                              j.lastRunStatus.isEmpty() ? QStringLiteral("-") : j.lastRunStatus)
                         .arg(j.totalSuccesses)
                         .arg(j.totalFailures));
        };
        if (sub == QLatin1String("list")) {
            for (const Job& j : jobs.list())
                print(j);
        } else if (sub == QLatin1String("add")) {
            const Job added = jobs.add(spec);
            watchConfiguredPaths(added);
            print(added);
        } else if (sub == QLatin1String("history")) {
            const qint64 jobId = rest.isEmpty() ? 0 : jobs.resolve(rest.first()).id;
            for (const JobRun& r : jobs.history(jobId, 100)) {
                if (out.json()) {
                    out.object(toJson(r));
                    continue;
                }
                out.line(QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6 done, %7 failed\t%8\t%9")
                             .arg(r.id)
                             .arg(r.jobName, iso(r.startedAt), iso(r.finishedAt), r.status)
                             .arg(r.rowsDone)
                             .arg(r.rowsFailed)
                             .arg(r.worker, r.error));
            }
        } else {
            const Job job = jobs.resolve(rest.first());
            if (sub == QLatin1String("alter")) {
                const Job altered = jobs.alter(job.id, spec);
                watchConfiguredPaths(altered);
                print(altered);
            } else if (sub == QLatin1String("pause") || sub == QLatin1String("resume")) {
                jobs.setScheduled(job.id, sub == QLatin1String("resume"));
                print(*jobs.find(job.id));
            } else if (sub == QLatin1String("run") && allowMassRemoval) {
                return runHereAllowingMassRemoval(job, opener.conninfo(), out);
            } else if (sub == QLatin1String("run")) {
                jobs.runNow(job.id);
                print(*jobs.find(job.id));
            } else if (sub == QLatin1String("delete")) {
                jobs.remove(job.id);
                if (out.json())
                    out.object(QJsonObject{{QStringLiteral("deleted"), job.id}});
                else
                    out.line(QStringLiteral("deleted job %1 (%2)").arg(job.id).arg(job.name));
            }
        }
    } catch (const JobError& e) {
        return out.error(e.message());
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
    return Success;
}

} // namespace quiver::cli
