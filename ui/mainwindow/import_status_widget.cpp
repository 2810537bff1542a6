#include "ui/mainwindow/import_status_widget.h"

#include "core/ingest/background_import.h"
#include "ui/common/plain_tool_tip.h"
#include "ui/library/import_progress_text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
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
    m_bar->setAccessibleName(tr("Import progress"));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("statusImportText"));
    m_text->setTextFormat(Qt::PlainText); // what an import says may name its files
    m_cancel = new QToolButton(this);
    m_cancel->setObjectName(QStringLiteral("statusCancelImport"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the import; what was imported stays"));
    m_cancel->setAccessibleName(tr("Cancel the import"));
    m_fade = new QTimer(this);
    m_fade->setObjectName(QStringLiteral("statusImportFade"));
    m_fade->setSingleShot(true);
    m_fade->setInterval(kFadeMs);
    connect(m_fade, &QTimer::timeout, this, &QWidget::hide);
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
        m_text->setToolTip({});
        m_text->setStyleSheet(QString());
        showRunning(true);
    });
    connect(import, &BackgroundImport::progress, this, [this](const ImportProgress& p) {
        m_bar->setValue(importProgressPermille(p));
        m_text->setText(p.walking
                            ? tr("Importing: looking for files…")
                            : tr("Importing %1 of %2 files").arg(p.filesDone).arg(p.filesTotal));
        m_text->setToolTip(plainToolTip(importProgressText(p)));
    });
    connect(import, &BackgroundImport::finished, this, [this](const ImportSummary& s) {
        m_bar->setValue(m_bar->maximum());
        QString text;
        if (s.databaseLost)
            text = tr("Import stopped: the database connection was lost");
        else if (s.cancelled)
            text = tr("Import cancelled: %n file(s) imported", nullptr, s.imported);
        else if (s.failed > 0)
            text = tr("Imported %1 of %n file(s); %2 failed (see Library)", nullptr,
                      s.imported + s.failed + s.skipped + s.unchanged)
                       .arg(s.imported)
                       .arg(s.failed);
        else
            text = tr("Imported %n file(s)", nullptr, s.imported);
        m_text->setText(text);
        m_text->setToolTip(plainToolTip(importSummaryText(s)));
        showRunning(false);
        // What needs the user stays; a plain success goes after a while.
        if (!s.databaseLost)
            m_fade->start();
    });
    connect(import, &BackgroundImport::failed, this, [this](const QString& message) {
        m_text->setText(tr("Import failed: %1").arg(message.simplified()));
        m_text->setToolTip(plainToolTip(message));
        m_text->setStyleSheet(QStringLiteral("color: #c62828;"));
        showRunning(false);
    });
}

void ImportStatusWidget::showRunning(bool running) {
    m_fade->stop();
    m_bar->setVisible(running);
    m_cancel->setVisible(running);
    show();
}

} // namespace quiver
