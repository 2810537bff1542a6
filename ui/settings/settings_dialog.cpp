#include "ui/settings/settings_dialog.h"

#include "core/session/database_target.h"
#include "ui/settings/connection_dialog.h"
#include "ui/settings/embeddings_page.h"

#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace quiver {

SettingsDialog::SettingsDialog(const QString& currentConnection, QWidget* parent)
    : SettingsDialog(currentConnection, nullptr, parent) {}

SettingsDialog::SettingsDialog(const DatabaseTarget& target, QWidget* parent)
    : SettingsDialog(target.describe(), &target, parent) {}

SettingsDialog::SettingsDialog(const QString& currentConnection, const DatabaseTarget* target,
                               QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    auto* connectionGroup = new QGroupBox(tr("Database connection"), this);
    connectionGroup->setObjectName(QStringLiteral("connectionGroup"));
    m_connection = new QLabel(currentConnection, connectionGroup);
    m_connection->setObjectName(QStringLiteral("currentConnectionLabel"));
    m_connection->setTextFormat(Qt::PlainText);
    m_connection->setWordWrap(true);
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* change = new QPushButton(QIcon(QStringLiteral(":/icons/database.svg")),
                                   tr("&Connection…"), connectionGroup);
    change->setObjectName(QStringLiteral("openConnectionDialogButton"));
    connect(change, &QPushButton::clicked, this, &SettingsDialog::showConnectionDialog);
    auto* connectionLayout = new QHBoxLayout(connectionGroup);
    connectionLayout->setSpacing(12);
    connectionLayout->addWidget(m_connection, 1);
    connectionLayout->addWidget(change);

    auto* providersGroup = new QGroupBox(tr("Embeddings"), this);
    providersGroup->setObjectName(QStringLiteral("providersGroup"));
    auto* providersLayout = new QVBoxLayout(providersGroup);
    if (target) {
        providersLayout->addWidget(new EmbeddingsPage(*target, providersGroup));
    } else {
        auto* providersText =
            new QLabel(tr("Open a database to manage its embedding profiles."), providersGroup);
        providersText->setWordWrap(true);
        providersLayout->addWidget(providersText);
        providersGroup->setEnabled(false);
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 18, 18, 14);
    layout->setSpacing(14);
    layout->addWidget(connectionGroup);
    layout->addWidget(providersGroup, 1);
    layout->addWidget(buttons);
    setMinimumWidth(target ? 720 : 480);
}

void SettingsDialog::showConnectionDialog() {
    auto* dialog = new ConnectionDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const DatabaseTarget target = dialog->target();
        m_connection->setText(target.describe());
        emit connectionChanged(target);
    });
    dialog->open();
}

} // namespace quiver
