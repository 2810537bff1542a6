#include "app/cli/key_command.h"

#include "core/embed/profile_repository.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_opener.h"

#include <QFile>
#include <QJsonObject>
#include <QSettings>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

namespace quiver::cli {

namespace {

const QString kUsage =
    QStringLiteral("usage: quiver-cli key set PROFILE     (reads the key from standard input)\n"
                   "       quiver-cli key status PROFILE | key delete PROFILE");

// Reads the whole of standard input; on a terminal, asks for it without echoing it.
QString readKeyFromStdin() {
#ifdef Q_OS_UNIX
    if (isatty(STDIN_FILENO)) {
        std::fputs("API key (input hidden): ", stderr);
        std::fflush(stderr);
        termios old{};
        const bool haveTerm = tcgetattr(STDIN_FILENO, &old) == 0;
        if (haveTerm) {
            termios quiet = old;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        QFile in;
        QString line;
        if (in.open(stdin, QIODevice::ReadOnly))
            line = QString::fromUtf8(in.readLine(64 * 1024));
        if (haveTerm)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        std::fputc('\n', stderr);
        return line.trimmed();
    }
#endif
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(in.read(64 * 1024)).trimmed();
}

} // namespace

int runKeyCommand(const CliArguments& args, const CliOutput& out) {
    const QStringList& w = args.words;
    const QString sub = w.value(1);
    if (sub == QLatin1String("set") && w.size() > 3)
        // Never echo the extra words: they are most likely the key itself.
        return out.usageError(QStringLiteral("key set takes only the profile name; the key is "
                                             "read from standard input, never from the command "
                                             "line (it would be visible to other users)"));
    if ((sub != QLatin1String("set") && sub != QLatin1String("status") &&
         sub != QLatin1String("delete")) ||
        w.size() != 3)
        return out.usageError(kUsage);
    const QString name = w[2];

    EmbeddingProfile profile;
    try {
        const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
        DatabaseOpener opener;
        PgConnection conn = opener.open(target);
        profile = ProfileRepository(conn).resolve(name);
    } catch (const ProfileError& e) {
        return out.error(e.message());
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
    if (!profile.acceptsKey() && sub == QLatin1String("set"))
        return out.error(QStringLiteral("profile \"%1\" is of kind %2, which takes no API key")
                             .arg(name, EmbeddingProfile::kindName(profile.kind)));

    SecretStore store;
    if (sub == QLatin1String("set")) {
        const QString key = readKeyFromStdin();
        if (key.isEmpty())
            return out.error(QStringLiteral("no key on standard input; pipe it in, e.g. "
                                            "quiver-cli key set %1 < keyfile")
                                 .arg(name));
        const SecretResult r = store.write(profile.keychainKey(), key);
        if (!r.ok)
            return out.error(QStringLiteral("could not store the key of profile \"%1\" in the "
                                            "keychain: %2")
                                 .arg(name, r.error));
        if (out.json())
            out.object(
                QJsonObject{{QStringLiteral("profile"), name}, {QStringLiteral("stored"), true}});
        else
            out.line(QStringLiteral("Stored the API key of profile %1 in the keychain").arg(name));
        return Success;
    }
    if (sub == QLatin1String("status")) {
        const SecretResult r = store.read(profile.keychainKey());
        if (!r.ok && !r.notFound)
            return out.error(QStringLiteral("could not ask the keychain about profile \"%1\": %2")
                                 .arg(name, r.error));
        const bool stored = r.ok && !r.value.isEmpty();
        if (out.json())
            out.object(
                QJsonObject{{QStringLiteral("profile"), name}, {QStringLiteral("stored"), stored}});
        else
            out.line(
                stored
                    ? QStringLiteral("Profile %1: an API key is stored in the keychain").arg(name)
                    : QStringLiteral("Profile %1: no API key is stored").arg(name));
        return Success;
    }
    const SecretResult r = store.remove(profile.keychainKey());
    if (!r.ok)
        return out.error(
            QStringLiteral("could not delete the key of profile \"%1\": %2").arg(name, r.error));
    if (out.json())
        out.object(
            QJsonObject{{QStringLiteral("profile"), name}, {QStringLiteral("deleted"), true}});
    else
        out.line(QStringLiteral("Deleted the API key of profile %1 (if one was stored)").arg(name));
    return Success;
}

} // namespace quiver::cli
