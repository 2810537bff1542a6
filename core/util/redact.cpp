#include "core/util/redact.h"

#include <QRegularExpression>

namespace quiver {

QString redactSecrets(const QString& text) {
    static const QRegularExpression conninfoPassword(
        QStringLiteral(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression urlPassword(QStringLiteral(R"((://[^:/@\s]+:)([^@\s]+)(@))"));
    static const QRegularExpression bearer(QStringLiteral(R"((Bearer\s+)(\S+))"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression apiKey(QStringLiteral(R"(\bsk-[A-Za-z0-9_\-]{8,})"));

    QString out = text;
    out.replace(conninfoPassword, QStringLiteral("\\1***"));
    out.replace(urlPassword, QStringLiteral("\\1***\\3"));
    out.replace(bearer, QStringLiteral("\\1***"));
    out.replace(apiKey, QStringLiteral("sk-***"));
    return out;
}

} // namespace quiver
