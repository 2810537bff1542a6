#include "ui/mainwindow/database_status_widget.h"

#include "core/db/database_status.h"
#include "core/session/database_session.h"
#include "ui/common/plain_tool_tip.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace quiver {

namespace {
QString versionText(const QString& serverVersion) {
    if (serverVersion.isEmpty() || serverVersion.startsWith(QLatin1String("PostgreSQL")))
        return serverVersion;
    return QStringLiteral("PostgreSQL ") + serverVersion;
}
} // namespace

DatabaseStatusWidget::DatabaseStatusWidget(DatabaseSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    setObjectName(QStringLiteral("databaseStatus"));

    m_icon = new QLabel(this);
    m_icon->setPixmap(QIcon(QStringLiteral(":/icons/database.svg")).pixmap(16, 16));

    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("databaseBusyIndicator"));
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setFixedSize(60, 10);

    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("databaseStatusLabel"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_settingsButton = new QPushButton(tr("Connection settings…"), this);
    m_settingsButton->setObjectName(QStringLiteral("connectionSettingsButton"));
    m_settingsButton->setAccessibleDescription(
        tr("Choose the database Quiver uses, or fix the connection to it"));
    connect(m_settingsButton, &QPushButton::clicked, this,
            &DatabaseStatusWidget::connectionSettingsRequested);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->setSpacing(8);
    layout->addWidget(m_icon);
    layout->addWidget(m_busy);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_settingsButton);

    connect(session, &DatabaseSession::progress, this, &DatabaseStatusWidget::showOpening);
    connect(session, &DatabaseSession::opened, this, &DatabaseStatusWidget::showOpen);
    connect(session, &DatabaseSession::statusRefreshed, this, &DatabaseStatusWidget::showOpen);
    connect(session, &DatabaseSession::failed, this, &DatabaseStatusWidget::showFailed);
    connect(session, &DatabaseSession::closed, this, &DatabaseStatusWidget::showClosed);

    switch (session->state()) {
    case DatabaseSession::State::Opening:
        showOpening({});
        break;
    case DatabaseSession::State::Open:
        setMessage(tr("Connected to %1").arg(session->target().describe()), false);
        break;
    case DatabaseSession::State::Failed:
    case DatabaseSession::State::Closed:
        showClosed();
        break;
    }
}

QString DatabaseStatusWidget::text() const {
    return m_label->text();
}

void DatabaseStatusWidget::showOpening(const QString& step) {
    setMessage(step.isEmpty() ? tr("Connecting to %1…").arg(m_session->target().describe())
                              : tr("Connecting… %1").arg(step),
               false);
    m_busy->show();
}

void DatabaseStatusWidget::showOpen(const DatabaseStatus& status) {
    // A private database is best named as such; any other is named by the live connection
    // (user@host:port/db), which is shorter than the conninfo it came from and never has a
    // password.
    const bool isPrivate = m_session->target().source == DatabaseTarget::Source::PrivateCluster;
    const QString where =
        isPrivate || status.describe.isEmpty() ? m_session->target().describe() : status.describe;
    QStringList parts{tr("Connected to %1").arg(where)};
    if (!status.serverVersion.isEmpty())
        parts << versionText(status.serverVersion);
    parts << tr("schema %1").arg(status.schemaVersion);
    setMessage(parts.join(QStringLiteral(" · ")), false);
}

void DatabaseStatusWidget::showFailed(const QString& userMessage) {
    setMessage(userMessage, true);
    m_settingsButton->show();
}

void DatabaseStatusWidget::showClosed() {
    setMessage(tr("Not connected"), false);
}

void DatabaseStatusWidget::setMessage(const QString& text, bool error) {
    // libpq messages span several lines; the status bar has one.
    const QString oneLine = text.simplified();
    m_label->setText(oneLine);
    m_label->setToolTip(plainToolTip(text));
    m_label->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
    m_label->setProperty("error", error);
    // An error carries its fix ("check the host and port…"): wrap rather than cut it off.
    m_label->setWordWrap(error);
    m_busy->hide();
    m_settingsButton->setVisible(error);
}

} // namespace quiver
