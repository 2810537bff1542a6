#include "ui/mainwindow/import_status_widget.h"

#include "core/ingest/background_import.h"
#include "ui/library/import_progress_text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

namespace quiver {

ImportStatusWidget::ImportStatusWidget(BackgroundImport* import, QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("importStatus"));
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("statusImportProgress"));
    m_bar->setRange(0, 1000);
    m_bar->setMaximumWidth(160);
    m_bar->setTextVisible(false);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("statusImportText"));
    m_text->setTextFormat(Qt::PlainText); // what an import says may name its files
    m_cancel = new QToolButton(this);
    m_cancel->setObjectName(QStringLiteral("statusCancelImport"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the import; what was imported stays"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    hide();

    connect(m_cancel, &QToolButton::clicked, import, &BackgroundImport::cancel);
    connect(import, &BackgroundImport::started, this, [this]() {
        m_bar->setValue(0);
        m_text->setText(tr("Importing…"));
        m_cancel->setEnabled(true);
        show();
    });
    connect(import, &BackgroundImport::progress, this, [this](const ImportProgress& p) {
        m_bar->setValue(importProgressPermille(p));
        m_text->setText(importProgressText(p));
    });
    connect(import, &BackgroundImport::finished, this, [this](const ImportSummary& s) {
        m_bar->setValue(m_bar->maximum());
        m_text->setText(importSummaryText(s));
        m_cancel->setEnabled(false);
    });
    connect(import, &BackgroundImport::failed, this, [this](const QString& message) {
        m_text->setText(tr("Import failed: %1").arg(message));
        m_cancel->setEnabled(false);
        show();
    });
}

} // namespace quiver
