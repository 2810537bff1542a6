#pragma once

#include "core/jobs/jobs_overview.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QThread;
class QTimer;

QT_FORWARD_DECLARE_CLASS(QChartView)
QT_FORWARD_DECLARE_CLASS(QLineSeries)

namespace quiver {

class JobsController;
class RowsModel;

// Background jobs: the jobs table (add, edit, pause, resume, delete, run now), the backlog of
// each profile with progress, rate and ETA, the run history with errors, the active workers,
// the failed chunks with Retry, and a chart of chunks embedded per minute. Everything it shows
// is read by a JobsController on a thread and connection of its own, every two seconds while
// the page is visible; the GUI thread only renders.
class JobsPage : public QWidget {
    Q_OBJECT
public:
    explicit JobsPage(QWidget* parent = nullptr);
    ~JobsPage() override;

    // Where to read from (DatabaseSession::connected); empty: nothing to show.
    void setConninfo(const QString& conninfo);
    void refresh();

    RowsModel* jobsModel() const { return m_jobsModel; }
    RowsModel* backlogModel() const { return m_backlogModel; }
    RowsModel* historyModel() const { return m_historyModel; }
    RowsModel* workersModel() const { return m_workersModel; }
    RowsModel* failedModel() const { return m_failedModel; }

signals:
    // After each overview is shown (for tests and the status bar).
    void refreshed();

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void display(const JobsOverview& overview);
    qint64 selectedJob() const;
    void editJob(bool add);
    template <typename F>
    void call(F&& f);

    QThread* m_thread = nullptr;
    JobsController* m_controller = nullptr;
    QTimer* m_timer = nullptr;
    bool m_inFlight = false;
    bool m_hasConninfo = false;
    JobsOverview m_overview;

    QLabel* m_summary = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_error = nullptr;
    QTableView* m_jobsView = nullptr;
    QTableView* m_failedView = nullptr;
    RowsModel* m_jobsModel = nullptr;
    RowsModel* m_backlogModel = nullptr;
    RowsModel* m_historyModel = nullptr;
    RowsModel* m_workersModel = nullptr;
    RowsModel* m_failedModel = nullptr;
    QLineSeries* m_series = nullptr;
    QChartView* m_chart = nullptr;
};

} // namespace quiver
