#pragma once

#include <QMessageBox>

namespace quiver {

// Asks the user to confirm that the API key of a profile may go to a new address: a warning that
// names the profile and the exact origin, says why it matters (anyone who can write to the shared
// database can change an address), and defaults to Cancel. approved() carries the profile and
// origin as shown, so that what is recorded is what the user saw. Opens itself window-modal and
// deletes itself when closed.
class OriginApprovalBox : public QMessageBox {
    Q_OBJECT
public:
    OriginApprovalBox(const QString& profile, const QString& origin, QWidget* parent);

signals:
    void approved(const QString& profile, const QString& origin);
};

} // namespace quiver
