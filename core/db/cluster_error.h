#pragma once

#include <QString>

#include <stdexcept>

namespace quiver {

// A failure of the private PostgreSQL cluster (binaries missing, initdb or start failed, ...).
// userMessage() is meant for the UI: it says what went wrong and what to do about it.
class ClusterError : public std::runtime_error {
public:
    explicit ClusterError(const QString& message)
        : std::runtime_error(message.toStdString())
        , m_message(message) {}

    QString userMessage() const { return m_message; }

private:
    QString m_message;
};

} // namespace quiver
