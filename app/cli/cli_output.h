#pragma once

#include <QJsonObject>
#include <QString>

namespace quiver::cli {

// Exit codes shared by every command.
enum ExitCode { Success = 0, Failure = 1, Usage = 2 };

// Where a command writes: results on stdout (text or one JSON document), errors on stderr.
class CliOutput {
public:
    explicit CliOutput(bool json)
        : m_json(json) {}

    bool json() const { return m_json; }
    void line(const QString& text) const;
    void object(const QJsonObject& obj) const;
    // Prints "quiver-cli: <message>" on stderr (secrets redacted) and returns Failure.
    int error(const QString& message) const;
    int usageError(const QString& message) const;

private:
    bool m_json = false;
};

} // namespace quiver::cli
