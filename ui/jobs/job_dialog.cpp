#include "ui/jobs/job_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

namespace quiver {

namespace {
// PostgreSQL's interval syntax, which the server parses: not translated.
QString intervalText(qint64 ms) {
    return ms % 1000 == 0 ? QStringLiteral("%1 seconds").arg(ms / 1000)
                          : QStringLiteral("%1 milliseconds").arg(ms);
}
} // namespace

JobDialog::JobDialog(const Job& job, QWidget* parent)
    : QDialog(parent)
    , m_job(job) {
    setObjectName(QStringLiteral("jobDialog"));
    setWindowTitle(job.id == 0 ? tr("Add job") : tr("Edit job"));
    m_name = new QLineEdit(job.name, this);
    m_name->setObjectName(QStringLiteral("jobName"));
    m_proc = new QComboBox(this);
    m_proc->setObjectName(QStringLiteral("jobProc"));
    m_proc->addItems(Job::procs());
    if (!job.proc.isEmpty())
        m_proc->setCurrentText(job.proc);
    m_profile = new QLineEdit(job.profile(), this);
    m_profile->setObjectName(QStringLiteral("jobProfile"));
    m_profile->setPlaceholderText(tr("profile name, e.g. local"));
    m_interval = new QLineEdit(intervalText(job.scheduleIntervalMs), this);
    m_interval->setObjectName(QStringLiteral("jobInterval"));
    m_fixed = new QCheckBox(tr("Keep fixed slots"), this);
    m_fixed->setObjectName(QStringLiteral("jobFixed"));
    m_fixed->setChecked(job.fixedSchedule);
    m_maxRetries = new QSpinBox(this);
    m_maxRetries->setObjectName(QStringLiteral("jobMaxRetries"));
    m_maxRetries->setRange(-1, 1000);
    m_maxRetries->setSpecialValueText(tr("forever"));
    m_maxRetries->setValue(job.maxRetries);
    m_retryPeriod = new QLineEdit(intervalText(job.retryPeriodMs), this);
    m_retryPeriod->setObjectName(QStringLiteral("jobRetryPeriod"));
    for (QLineEdit* interval : {m_interval, m_retryPeriod})
        interval->setAccessibleDescription(
            tr("A PostgreSQL interval in English, e.g. 30 seconds or 5 minutes"));
    m_scheduled = new QCheckBox(tr("Scheduled (not paused)"), this);
    m_scheduled->setObjectName(QStringLiteral("jobScheduled"));
    m_scheduled->setChecked(job.scheduled);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Procedure"), m_proc);
    form->addRow(tr("Profile"), m_profile);
    form->addRow(tr("Every"), m_interval);
    form->addRow(QString(), m_fixed);
    form->addRow(tr("Retries"), m_maxRetries);
    form->addRow(tr("Retry after"), m_retryPeriod);
    form->addRow(QString(), m_scheduled);
    form->addRow(buttons);
}

JobSpec JobDialog::spec() const {
    JobSpec s;
    if (!m_name->text().trimmed().isEmpty())
        s.name = m_name->text().trimmed();
    s.proc = m_proc->currentText();
    s.scheduleInterval = m_interval->text().trimmed();
    s.fixedSchedule = m_fixed->isChecked();
    s.maxRetries = m_maxRetries->value();
    s.retryPeriod = m_retryPeriod->text().trimmed();
    s.scheduled = m_scheduled->isChecked();
    QJsonObject config = m_job.config;
    const QString profile = m_profile->text().trimmed();
    if (profile.isEmpty())
        config.remove(QStringLiteral("profile"));
    else
        config.insert(QStringLiteral("profile"), profile);
    s.config = config;
    return s;
}

} // namespace quiver
