#pragma once

#include <QString>

#include <stdexcept>

namespace quiver {

// A file that cannot be imported, with a reason the user can act on ("encrypted PDF: remove the
// password and import it again"). The reason never names the file: callers prefix it.
class ReadError : public std::runtime_error {
public:
    // deliberate: a file Quiver does not import on purpose (empty, a picture, an archive), as
    // opposed to one it should read but cannot.
    explicit ReadError(const QString& reason, bool deliberate = false)
        : std::runtime_error(reason.toStdString())
        , m_reason(reason)
        , m_deliberate(deliberate) {}
    QString reason() const { return m_reason; }
    bool deliberate() const { return m_deliberate; }

private:
    QString m_reason;
    bool m_deliberate = false;
};

// Thrown by readers when the import was cancelled while they worked.
class ReadCancelled : public std::runtime_error {
public:
    ReadCancelled()
        : std::runtime_error("cancelled") {}
};

} // namespace quiver
