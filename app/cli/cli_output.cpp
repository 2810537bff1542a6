#include "app/cli/cli_output.h"

#include "core/util/redact.h"

#include <QJsonDocument>

#include <cstdio>

namespace quiver::cli {

namespace {
void write(std::FILE* f, const QString& text) {
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), f);
    std::fputc('\n', f);
    std::fflush(f);
}
} // namespace

void CliOutput::line(const QString& text) const {
    write(stdout, text);
}

void CliOutput::object(const QJsonObject& obj) const {
    write(stdout, QString::fromUtf8(QJsonDocument(obj).toJson(QJsonDocument::Compact)));
}

int CliOutput::error(const QString& message) const {
    write(stderr, QStringLiteral("quiver-cli: ") + redactSecrets(message));
    return Failure;
}

int CliOutput::usageError(const QString& message) const {
    write(stderr, QStringLiteral("quiver-cli: ") + message +
                      QStringLiteral("\nRun 'quiver-cli --help' for the list of commands."));
    return Usage;
}

} // namespace quiver::cli
