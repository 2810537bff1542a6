#pragma once

#include <QObject>

class QSocketNotifier;

namespace quiver {

// Turns SIGTERM, SIGINT and SIGHUP (a desktop logout, `kill`, Ctrl+C in a terminal) into a Qt
// signal on the thread that made this object, through a self-pipe, so that the application
// quits as if the user chose Quit: workers release their batches and the private database
// stops. One instance per process; a no-op where POSIX signals do not exist.
class TerminationSignals : public QObject {
    Q_OBJECT
public:
    explicit TerminationSignals(QObject* parent = nullptr);
    ~TerminationSignals() override;

signals:
    void received(int signalNumber);

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace quiver
