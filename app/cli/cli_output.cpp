#include "app/cli/cli_output.h"

#include "core/util/redact.h"

#include <QJsonDocument>

#include <cstdio>

namespace quiver::cli {

namespace {

// Characters a terminal acts on rather than shows, or that reorder what it shows.
bool isControl(char16_t c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

// keepLayout: newlines and tabs stay (the command's own layout); json: \uXXXX escapes only.
QString escaped(const QString& text, bool keepLayout, bool json = false) {
    QString out;
    out.reserve(text.size());
    for (const QChar ch : text) {
        const char16_t c = ch.unicode();
        if (!isControl(c) || (keepLayout && (c == u'\n' || c == u'\t'))) {
            out.append(ch);
        } else if (json || c > 0xff) {
            out.append(QStringLiteral("\\u%1").arg(uint(c), 4, 16, QLatin1Char('0')));
        } else if (c == u'\n') {
            out.append(QLatin1String("\\n"));
        } else if (c == u'\t') {
            out.append(QLatin1String("\\t"));
        } else if (c == u'\r') {
            out.append(QLatin1String("\\r"));
        } else {
            out.append(QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0')));
        }
    }
    return out;
}

void write(std::FILE* f, const QString& text) {
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), f);
    std::fputc('\n', f);
    std::fflush(f);
}
} // namespace

void CliOutput::line(const QString& text) const {
    write(stdout, escaped(text, true));
}

void CliOutput::object(const QJsonObject& obj) const {
    // JSON escapes C0 itself; DEL, C1 and the bidi controls it writes as they are.
    write(stdout, escaped(QString::fromUtf8(QJsonDocument(obj).toJson(QJsonDocument::Compact)),
                          true, true));
}

int CliOutput::error(const QString& message) const {
    write(stderr, QStringLiteral("quiver-cli: ") + escaped(redactSecrets(message), true));
    return Failure;
}

QString CliOutput::printable(const QString& untrusted) {
    return escaped(untrusted, false);
}

int CliOutput::usageError(const QString& message) const {
    write(stderr, QStringLiteral("quiver-cli: ") + message +
                      QStringLiteral("\nRun 'quiver-cli --help' for the list of commands."));
    return Usage;
}

} // namespace quiver::cli
