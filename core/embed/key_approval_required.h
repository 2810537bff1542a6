#pragma once

#include "core/embed/embedder.h"

namespace quiver {

// A profile's API key exists, but the profile's address is not the one the user of this machine
// approved for it (the database was changed, or the key predates approvals). Carries what an
// "Approve" action needs: the profile and the exact origin that would be approved, so that the
// user approves what was shown, not what the database says a moment later.
class KeyApprovalRequired : public EmbedError {
public:
    KeyApprovalRequired(const QString& message, QString profileName, QString origin)
        : EmbedError(Kind::Config, message)
        , m_profileName(std::move(profileName))
        , m_origin(std::move(origin)) {}
    const QString& profileName() const { return m_profileName; }
    const QString& origin() const { return m_origin; }

private:
    QString m_profileName;
    QString m_origin;
};

} // namespace quiver
