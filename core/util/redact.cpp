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

namespace quiver {

namespace {
bool sharesRun(const QString& word, const QString& secret, qsizetype run) {
    if (word.size() < run)
        return false;
    for (qsizetype i = 0; i + run <= word.size(); ++i) {
        if (secret.contains(QStringView(word).mid(i, run)))
            return true;
    }
    return false;
}
} // namespace

QString removeSecret(const QString& text, const QString& secret) {
    if (secret.isEmpty())
        return text;
    QString out = text;
    out.replace(secret, QStringLiteral("***"));
    constexpr qsizetype kRun = 4;
    if (secret.size() < kRun)
        return out;
    QString result;
    result.reserve(out.size());
    qsizetype i = 0;
    while (i < out.size()) {
        if (out.at(i).isSpace()) {
            result += out.at(i++);
            continue;
        }
        qsizetype j = i;
        while (j < out.size() && !out.at(j).isSpace())
            ++j;
        const QString word = out.mid(i, j - i);
        result += sharesRun(word, secret, kRun) ? QStringLiteral("***") : word;
        i = j;
    }
    return result;
}

} // namespace quiver
