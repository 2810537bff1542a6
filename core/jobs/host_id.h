#pragma once

#include <QString>

class QSettings;

namespace quiver {

// This machine's id in a shared database: a random UUID made once and kept in Quiver's settings
// (machine/hostId). It is stored with every job a machine creates, and a rescan_watched job runs
// only where its id is the local one. A UUID in the settings rather than /etc/machine-id: the
// settings are what hold the watch folders the id vouches for (two users of one computer have
// two sets of watch folders, and two ids), it exists on every platform, and it reveals nothing
// about the computer to other users of the database. A copied settings file copies the id.
class HostId {
public:
    static QString key() { return QStringLiteral("machine/hostId"); }
    // The id in these settings, made and saved when there is none (under a lock file beside the
    // settings, so that two processes starting together agree on one).
    static QString local(QSettings& settings);
    // The same in Quiver's default settings.
    static QString local();
};

} // namespace quiver
