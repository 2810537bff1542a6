#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace quiver {

// Hears a database's notifications on some channels from a thread and a connection of its own
// (to a server some session has opened: it starts no private cluster and holds none open),
// and reports each one as changed(channel) on the thread that made it. A lost connection is
// opened again (after a pause that grows to half a minute) and reported as changed(QString()):
// notifications sent meanwhile are lost, so a listener reloads everything. Destroying it
// never waits: its thread notices within a fraction of a second and ends on its own.
class ChangeListener : public QObject {
    Q_OBJECT

public:
    // conninfo may hold a password: it is kept in memory only.
    ChangeListener(const QString& conninfo, const QStringList& channels, QObject* parent = nullptr);
    ~ChangeListener() override;

    // The channel every program showing the library listens on (migration 14).
    static QString libraryChannel() { return QStringLiteral("quiver_library"); }

signals:
    void changed(const QString& channel);
    // Listening (again) after a connection was opened.
    void listening();

private:
    struct Shared;
    std::shared_ptr<Shared> m_shared;
};

} // namespace quiver
