#pragma once

#include "core/db/connection_settings.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace quiver {

// Tries a connection off the GUI thread and reports the server version or the server's
// own error, rephrased so the user can act on it.
class ConnectionTester : public QObject {
    Q_OBJECT
public:
    explicit ConnectionTester(QObject* parent = nullptr);
    ~ConnectionTester() override;

    void test(const ConnectionSettings& settings, const QString& password);
    // Results of a test still running are dropped; the attempt itself ends at its timeout.
    void cancel();

signals:
    void succeeded(const QString& serverVersion);
    void failed(const QString& userMessage);

private:
    std::shared_ptr<std::atomic<int>> m_generation;
};

} // namespace quiver
