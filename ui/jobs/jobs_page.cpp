#include "ui/jobs/jobs_page.h"

#include "ui/jobs/job_dialog.h"
#include "ui/jobs/jobs_controller.h"
#include "ui/jobs/rows_model.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

namespace quiver {

namespace {

QString when(const QDateTime& t) {
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
}

QString every(qint64 ms) {
    if (ms % 3600000 == 0)
        return QObject::tr("%1 h").arg(ms / 3600000);
    if (ms % 60000 == 0)
        return QObject::tr("%1 min").arg(ms / 60000);
    if (ms % 1000 == 0)
        return QObject::tr("%1 s").arg(ms / 1000);
    return QObject::tr("%1 ms").arg(ms);
}

QString duration(qint64 seconds) {
    if (seconds < 0)
        return QObject::tr("unknown");
    if (seconds < 120)
        return QObject::tr("%1 s").arg(seconds);
    if (seconds < 7200)
        return QObject::tr("%1 min").arg(seconds / 60);
    return QObject::tr("%1 h %2 min").arg(seconds / 3600).arg(seconds / 60 % 60);
}

// A table's name and description are what a screen reader says on reaching it: its tab's
// title is not announced with it.
QTableView* tableFor(RowsModel* model, const char* name, const QString& accessibleName,
                     const QString& description, QWidget* parent) {
    auto* view = new QTableView(parent);
    view->setObjectName(QString::fromLatin1(name));
    view->setAccessibleName(accessibleName);
    view->setAccessibleDescription(description);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

QPushButton* button(const QString& text, const char* name, QWidget* parent) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(QString::fromLatin1(name));
    return b;
}

} // namespace

JobsPage::JobsPage(QWidget* parent)
    : QWidget(parent)
    , m_thread(new QThread(this))
    , m_controller(new JobsController) {
    setObjectName(QStringLiteral("jobsPage"));
    qRegisterMetaType<quiver::JobsOverview>();
    m_thread->setObjectName(QStringLiteral("quiver-jobs-page"));
    m_controller->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_controller, &QObject::deleteLater);
    m_thread->start();

    auto* heading = new QLabel(tr("Jobs"), this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.6);
    headingFont.setBold(true);
    heading->setFont(headingFont);

    m_summary = new QLabel(tr("Not connected to a database."), this);
    m_summary->setObjectName(QStringLiteral("backlogSummary"));
    m_summary->setTextFormat(Qt::PlainText); // names and errors from the shared database
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("backlogProgress"));
    m_progress->setRange(0, 1000);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("jobsError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->hide();

    m_jobsModel =
        new RowsModel({tr("Name"), tr("Procedure"), tr("Profile"), tr("Schedule"), tr("Next run"),
                       tr("Last run"), tr("Status"), tr("Successes"), tr("Failures")},
                      this);
    m_backlogModel = new RowsModel({tr("Profile"), tr("Model"), tr("Embedded"), tr("Pending"),
                                    tr("Failed"), tr("Progress"), tr("Rate"), tr("ETA")},
                                   this);
    m_historyModel = new RowsModel({tr("Job"), tr("Worker"), tr("Started"), tr("Finished"),
                                    tr("Status"), tr("Done"), tr("Failed"), tr("Error")},
                                   this);
    m_workersModel =
        new RowsModel({tr("Host"), tr("Process"), tr("Kind"), tr("Profile"), tr("Started"),
                       tr("Last seen"), tr("Done"), tr("Errors"), tr("Last error")},
                      this);
    m_failedModel = new RowsModel(
        {tr("Chunk"), tr("Document"), tr("Attempts"), tr("Failed at"), tr("Error")}, this);

    auto* tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("jobsTabs"));
    tabs->setAccessibleName(tr("Job views"));

    auto* jobsTab = new QWidget(tabs);
    m_jobsView =
        tableFor(m_jobsModel, "jobsTable", tr("Jobs"),
                 tr("The scheduled jobs, when they run next and how their last run went"), jobsTab);
    auto* add = button(tr("Add…"), "addJobButton", jobsTab);
    auto* edit = button(tr("Edit…"), "editJobButton", jobsTab);
    auto* pause = button(tr("Pause"), "pauseJobButton", jobsTab);
    auto* resume = button(tr("Resume"), "resumeJobButton", jobsTab);
    auto* runNow = button(tr("Run now"), "runJobButton", jobsTab);
    auto* remove = button(tr("Delete"), "deleteJobButton", jobsTab);
    auto* jobButtons = new QHBoxLayout;
    for (QPushButton* b : {add, edit, pause, resume, runNow, remove})
        jobButtons->addWidget(b);
    jobButtons->addStretch(1);
    auto* jobsLayout = new QVBoxLayout(jobsTab);
    jobsLayout->addWidget(m_jobsView, 1);
    jobsLayout->addLayout(jobButtons);
    tabs->addTab(jobsTab, tr("Jobs"));

    tabs->addTab(tableFor(m_backlogModel, "backlogTable", tr("Backlog"),
                          tr("Passages embedded and still waiting, per embedding profile"), tabs),
                 tr("Backlog"));
    tabs->addTab(tableFor(m_historyModel, "historyTable", tr("History"),
                          tr("The latest runs of the jobs"), tabs),
                 tr("History"));
    tabs->addTab(tableFor(m_workersModel, "workersTable", tr("Workers"),
                          tr("The programs embedding passages, on this and other computers"), tabs),
                 tr("Workers"));

    auto* failedTab = new QWidget(tabs);
    m_failedView = tableFor(
        m_failedModel, "failedTable", tr("Failed chunks"),
        tr("Passages whose embedding failed, with the error; they can be retried"), failedTab);
    auto* retry = button(tr("Retry selected"), "retryFailedButton", failedTab);
    auto* retryAll = button(tr("Retry all"), "retryAllFailedButton", failedTab);
    auto* failedButtons = new QHBoxLayout;
    failedButtons->addWidget(retry);
    failedButtons->addWidget(retryAll);
    failedButtons->addStretch(1);
    auto* failedLayout = new QVBoxLayout(failedTab);
    failedLayout->addWidget(m_failedView, 1);
    failedLayout->addLayout(failedButtons);
    tabs->addTab(failedTab, tr("Failed chunks"));

    m_series = new QLineSeries;
    m_series->setName(tr("Chunks embedded per minute"));
    auto* chart = new QChart;
    chart->addSeries(m_series);
    auto* x = new QValueAxis;
    x->setRange(-29, 0);
    x->setLabelFormat(QStringLiteral("%d"));
    x->setTitleText(tr("minutes ago"));
    auto* y = new QValueAxis;
    y->setRange(0, 10);
    y->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    m_series->attachAxis(x);
    m_series->attachAxis(y);
    m_chart = new QChartView(chart, tabs);
    m_chart->setObjectName(QStringLiteral("throughputChart"));
    m_chart->setAccessibleName(tr("Throughput"));
    m_chart->setAccessibleDescription(tr("Chunks embedded per minute over the last 30 minutes"));
    tabs->addTab(m_chart, tr("Throughput"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(12);
    layout->addWidget(heading);
    layout->addWidget(m_summary);
    layout->addWidget(m_progress);
    layout->addWidget(m_error);
    layout->addWidget(tabs, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, &JobsPage::refresh);

    connect(m_controller, &JobsController::overviewReady, this, [this](const JobsOverview& o) {
        m_inFlight = false;
        m_error->hide();
        display(o);
        emit refreshed();
    });
    connect(m_controller, &JobsController::failed, this, [this](const QString& message) {
        m_inFlight = false;
        m_error->setText(message);
        m_error->show();
    });
    connect(m_controller, &JobsController::changed, this, &JobsPage::refresh);

    connect(add, &QPushButton::clicked, this, [this] { editJob(true); });
    connect(edit, &QPushButton::clicked, this, [this] { editJob(false); });
    const auto onSelected = [this](auto action) {
        return [this, action] {
            const qint64 id = selectedJob();
            if (id != 0)
                call([c = m_controller, id, action] { action(c, id); });
        };
    };
    connect(pause, &QPushButton::clicked, this,
            onSelected([](JobsController* c, qint64 id) { c->setScheduled(id, false); }));
    connect(resume, &QPushButton::clicked, this,
            onSelected([](JobsController* c, qint64 id) { c->setScheduled(id, true); }));
    connect(runNow, &QPushButton::clicked, this,
            onSelected([](JobsController* c, qint64 id) { c->runNow(id); }));
    connect(remove, &QPushButton::clicked, this,
            onSelected([](JobsController* c, qint64 id) { c->remove(id); }));
    const auto retryRows = [this](bool all) {
        QHash<QString, QList<qint64>> byModel;
        for (qsizetype i = 0; i < m_overview.failed.size(); ++i) {
            const bool selected =
                all || m_failedView->selectionModel()->isRowSelected(static_cast<int>(i), {});
            if (selected)
                byModel[m_overview.failedModels[i]].append(m_overview.failed[i].chunkId);
        }
        for (auto it = byModel.cbegin(); it != byModel.cend(); ++it) {
            call([c = m_controller, model = it.key(), ids = it.value()] {
                c->retryFailed(model, ids);
            });
        }
    };
    connect(retry, &QPushButton::clicked, this, [retryRows] { retryRows(false); });
    connect(retryAll, &QPushButton::clicked, this, [retryRows] { retryRows(true); });
}

JobsPage::~JobsPage() {
    m_thread->quit();
    m_thread->wait();
}

template <typename F>
void JobsPage::call(F&& f) {
    QMetaObject::invokeMethod(m_controller, std::forward<F>(f));
}

void JobsPage::setConninfo(const QString& conninfo) {
    m_hasConninfo = !conninfo.isEmpty();
    call([c = m_controller, conninfo] { c->setConninfo(conninfo); });
    m_inFlight = false;
    refresh();
}

void JobsPage::refresh() {
    if (!m_hasConninfo || m_inFlight)
        return;
    m_inFlight = true;
    call([c = m_controller] { c->refresh(); });
}

void JobsPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    m_timer->start();
    refresh();
}

void JobsPage::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    m_timer->stop();
}

qint64 JobsPage::selectedJob() const {
    const QModelIndexList rows = m_jobsView->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : m_jobsModel->idAt(rows.first().row()).toLongLong();
}

void JobsPage::editJob(bool add) {
    Job job;
    if (!add) {
        const qint64 id = selectedJob();
        const auto it = std::find_if(m_overview.jobs.cbegin(), m_overview.jobs.cend(),
                                     [id](const Job& j) { return j.id == id; });
        if (it == m_overview.jobs.cend())
            return;
        job = *it;
    } else {
        job.proc = QStringLiteral("embed_pending");
        job.fixedSchedule = true;
    }
    auto* dialog = new JobDialog(job, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, id = job.id] {
        call([c = m_controller, id, spec = dialog->spec()] { c->save(id, spec); });
    });
    dialog->open();
}

void JobsPage::display(const JobsOverview& o) {
    m_overview = o;
    QList<RowsModel::Row> rows;
    for (const Job& j : o.jobs) {
        rows.append(
            {j.id,
             {j.name, j.proc, j.profile(),
              tr("every %1%2")
                  .arg(every(j.scheduleIntervalMs), j.fixedSchedule ? tr(", fixed") : QString()),
              j.scheduled ? when(j.nextStart) : tr("paused"), when(j.lastRunStartedAt),
              j.lastRunStatus, QString::number(j.totalSuccesses),
              QString::number(j.totalFailures)}});
    }
    m_jobsModel->setRows(rows);

    rows.clear();
    qint64 total = 0;
    qint64 embedded = 0;
    double rate = 0;
    for (const ProfileBacklog& b : o.backlogs) {
        const qint64 all = b.backlog.embedded + b.backlog.pending + b.backlog.failed;
        const double share =
            all > 0 ? static_cast<double>(b.backlog.embedded) / static_cast<double>(all) : 1.0;
        rows.append(
            {b.profile,
             {b.profile, b.model, QString::number(b.backlog.embedded),
              QString::number(b.backlog.pending), QString::number(b.backlog.failed),
              QStringLiteral("%1%").arg(share * 100.0, 0, 'f', 1),
              tr("%1 chunks/s").arg(b.chunksPerSecond, 0, 'f', 1), duration(b.etaSeconds)}});
        total += all;
        embedded += b.backlog.embedded;
        rate += b.chunksPerSecond;
    }
    m_backlogModel->setRows(rows);
    m_progress->setValue(total > 0 ? static_cast<int>(embedded * 1000 / total) : 1000);
    const qint64 pending = total - embedded;
    m_summary->setText(o.backlogs.isEmpty()
                           ? tr("No embedding job.")
                           : tr("%1 of %2 chunks embedded, %3 waiting, %4 chunks/s")
                                 .arg(embedded)
                                 .arg(total)
                                 .arg(pending)
                                 .arg(rate, 0, 'f', 1));

    rows.clear();
    for (const JobRun& r : o.runs) {
        rows.append({r.id,
                     {r.jobName, r.worker, when(r.startedAt), when(r.finishedAt), r.status,
                      QString::number(r.rowsDone), QString::number(r.rowsFailed), r.error}});
    }
    m_historyModel->setRows(rows);

    rows.clear();
    for (const WorkerRegistry::Worker& w : o.workers) {
        rows.append({w.id,
                     {w.host, QString::number(w.pid), w.kind, w.profile, w.startedAt,
                      tr("%1 s ago").arg(w.secondsSinceSeen, 0, 'f', 0), QString::number(w.done),
                      QString::number(w.errors), w.lastError}});
    }
    m_workersModel->setRows(rows);

    rows.clear();
    for (const EmbeddingQueue::FailedChunk& f : o.failed) {
        rows.append({f.chunkId,
                     {QString::number(f.chunkId), f.documentPath, QString::number(f.attempts),
                      f.failedAt, f.error}});
    }
    m_failedModel->setRows(rows);

    QList<QPointF> points;
    qint64 top = 10;
    const auto n = o.chunksPerMinute.size();
    for (qsizetype i = 0; i < n; ++i) {
        points.append(
            QPointF(static_cast<double>(i - n + 1), static_cast<double>(o.chunksPerMinute[i])));
        top = std::max(top, o.chunksPerMinute[i]);
    }
    m_series->replace(points);
    if (auto* y = qobject_cast<QValueAxis*>(m_chart->chart()->axes(Qt::Vertical).value(0)))
        y->setRange(0, static_cast<double>(top) * 1.1);
}

} // namespace quiver
