#pragma once

#include <QString>

#include <memory>

class QSettings;

namespace quiver {

struct EmbeddingProfile;

// The address (origin: scheme, host, port) that the user of this machine approved for each
// profile's API key. The database is shared and anyone who can write to it can change a
// profile's base URL, so the approval lives in this machine's settings (group
// "apiKeyOrigins", keyed by profile name), never in the database: a key goes only where the
// user said it may. Approving is a decision of the user (key set, key approve, the Settings
// page), never an inference from what the database says.
//
// Each instance reads and writes its own QSettings; construct one per thread.
class ApprovedOrigins {
public:
    ApprovedOrigins();                                             // this application's settings
    explicit ApprovedOrigins(std::unique_ptr<QSettings> settings); // tests: a file of their own
    ~ApprovedOrigins();
    ApprovedOrigins(const ApprovedOrigins&) = delete;
    ApprovedOrigins& operator=(const ApprovedOrigins&) = delete;

    // The approved origin of the profile's key; empty when none was ever approved.
    QString approvedFor(const QString& profileName) const;
    bool isApproved(const EmbeddingProfile& profile) const;
    // Records `origin` (as EmbeddingProfile::origin() writes it) for the profile's key.
    void approve(const QString& profileName, const QString& origin);
    void revoke(const QString& profileName);

    // Empty when a key may be sent to the profile's address at all; else why not, with the fix:
    // the URL is unusable, or it is plain http:// to another machine (the key would cross the
    // network readable by anyone on the way).
    static QString refusal(const EmbeddingProfile& profile);

private:
    QString settingsKey(const QString& profileName) const;

    std::unique_ptr<QSettings> m_settings;
};

} // namespace quiver
