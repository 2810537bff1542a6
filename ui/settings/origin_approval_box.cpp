#include "ui/settings/origin_approval_box.h"

#include <QPushButton>

namespace quiver {

OriginApprovalBox::OriginApprovalBox(const QString& profile, const QString& origin, QWidget* parent)
    : QMessageBox(QMessageBox::Warning, tr("Approve a new address"),
                  tr("Send the API key of profile %1 to %2?").arg(profile, origin),
                  QMessageBox::Cancel, parent) {
    setObjectName(QStringLiteral("approveOriginDialog"));
    setTextFormat(Qt::PlainText); // names and addresses come from the database
    setInformativeText(
        tr("This machine has not approved that address for the key. The database is shared: "
           "anyone who can write to it can change a profile's address. Approve only if you "
           "changed it yourself, or know who did and why."));
    QPushButton* approve = addButton(tr("Approve"), QMessageBox::AcceptRole);
    approve->setObjectName(QStringLiteral("approveOriginConfirmButton"));
    setDefaultButton(QMessageBox::Cancel);
    setAttribute(Qt::WA_DeleteOnClose);
    connect(this, &QMessageBox::buttonClicked, this,
            [this, approve, profile, origin](QAbstractButton* clicked) {
                if (clicked == approve)
                    emit approved(profile, origin);
            });
}

} // namespace quiver
