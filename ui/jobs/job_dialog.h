#pragma once

#include "core/jobs/job.h"
#include "core/jobs/job_repository.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace quiver {

// Adds or edits a job: the fields of TimescaleDB's add_job/alter_job that matter to a user.
// The config names a profile, never a key.
class JobDialog : public QDialog {
    Q_OBJECT
public:
    // job.id 0: a new job.
    explicit JobDialog(const Job& job, QWidget* parent = nullptr);
    JobSpec spec() const;

private:
    Job m_job;
    QLineEdit* m_name = nullptr;
    QComboBox* m_proc = nullptr;
    QLineEdit* m_profile = nullptr;
    QLineEdit* m_interval = nullptr;
    QCheckBox* m_fixed = nullptr;
    QSpinBox* m_maxRetries = nullptr;
    QLineEdit* m_retryPeriod = nullptr;
    QCheckBox* m_scheduled = nullptr;
};

} // namespace quiver
