#pragma once

#include <QJsonObject>
#include <QString>

namespace quiver::cli {

// Exit codes shared by every command.
enum ExitCode { Success = 0, Failure = 1, Usage = 2 };

// Where a command writes: results on stdout (text or one JSON document), errors on stderr.
// What it writes never drives the terminal: control characters (ESC, CR, BEL, C1, the bidi
// overrides) in a line are written as escapes ("\x1b"), newlines and tabs only where the
// command's layout puts them; fields that come from files or the database (file names,
// titles) go through printable(), which escapes newlines and tabs too, so that a file named
// "a\nb" cannot fake a line. JSON escapes them the JSON way.
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

    // A field for a text line: every control character escaped ("\n", "\t", "\x1b", "\u202e").
    static QString printable(const QString& untrusted);

private:
    bool m_json = false;
};

} // namespace quiver::cli
