#include "app/cli/key_command.h"

#include "core/embed/approved_origins.h"
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
                   "       quiver-cli key approve PROFILE [--origin URL]\n"
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

// One line on where the profile's key may go: its origin, and whether this machine approved it.
QString approvalLine(const EmbeddingProfile& profile, const QString& approved) {
    const QString origin = profile.origin();
    if (!approved.isEmpty() && approved == origin)
        return QStringLiteral("it may be sent to %1 (approved on this machine)").arg(origin);
    return QStringLiteral("the profile points at %1, which is not approved on this machine "
                          "(approved: %2): after checking the address, run 'quiver-cli key "
                          "approve %3'")
        .arg(origin.isEmpty() ? QStringLiteral("no usable address") : origin,
             approved.isEmpty() ? QStringLiteral("none") : approved, profile.name);
}

int approve(const EmbeddingProfile& profile, const QString& expected, const CliOutput& out) {
    const QString refused = ApprovedOrigins::refusal(profile);
    if (!refused.isEmpty())
        return out.error(refused);
    const QString origin = profile.origin();
    if (!expected.isEmpty()) {
        // A script states what it approves: the database may have changed since it looked.
        EmbeddingProfile asked = profile;
        asked.baseUrl = expected;
        if (asked.origin() != origin)
            return out.error(QStringLiteral("profile \"%1\" points at %2, not at %3: nothing "
                                            "was approved")
                                 .arg(profile.name, origin, expected));
    }
    ApprovedOrigins().approve(profile.name, origin);
    if (out.json())
        out.object(QJsonObject{{QStringLiteral("profile"), profile.name},
                               {QStringLiteral("approved_origin"), origin}});
    else
        out.line(QStringLiteral("Approved %1 for the API key of profile %2 on this machine")
                     .arg(origin, profile.name));
    return Success;
}

} // namespace

int runKeyCommand(const CliArguments& args, const CliOutput& out) {
    QStringList w = args.words;
    const QString sub = w.value(1);
    if (sub == QLatin1String("set") && w.size() > 3)
        // Never echo the extra words: they are most likely the key itself.
        return out.usageError(QStringLiteral("key set takes only the profile name; the key is "
                                             "read from standard input, never from the command "
                                             "line (it would be visible to other users)"));
    QString expectedOrigin;
    if (sub == QLatin1String("approve") &&
        !takeNonEmptyOption(w, QStringLiteral("--origin"), expectedOrigin))
        return out.usageError(QStringLiteral("--origin needs a URL\n") + kUsage);
    if ((sub != QLatin1String("set") && sub != QLatin1String("status") &&
         sub != QLatin1String("delete") && sub != QLatin1String("approve")) ||
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
    if (!profile.acceptsKey() && (sub == QLatin1String("set") || sub == QLatin1String("approve")))
        return out.error(QStringLiteral("profile \"%1\" is of kind %2, which takes no API key")
                             .arg(name, EmbeddingProfile::kindName(profile.kind)));
    // Approving needs no keychain: a server without one approves for QUIVER_API_KEY or a key
    // file.
    if (sub == QLatin1String("approve"))
        return approve(profile, expectedOrigin, out);

    SecretStore store;
    ApprovedOrigins approvals;
    if (sub == QLatin1String("set")) {
        // Refused before the key is read: it would only ever be refused later.
        const QString refused = ApprovedOrigins::refusal(profile);
        if (!refused.isEmpty())
            return out.error(refused);
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
        // Setting a key for a profile is approving where the profile points now.
        approvals.approve(name, profile.origin());
        if (out.json())
            out.object(QJsonObject{{QStringLiteral("profile"), name},
                                   {QStringLiteral("stored"), true},
                                   {QStringLiteral("approved_origin"), profile.origin()}});
        else
            out.line(QStringLiteral("Stored the API key of profile %1 in the keychain; it may be "
                                    "sent to %2")
                         .arg(name, profile.origin()));
        return Success;
    }
    if (sub == QLatin1String("status")) {
        const SecretResult r = store.read(profile.keychainKey());
        if (!r.ok && !r.notFound)
            return out.error(QStringLiteral("could not ask the keychain about profile \"%1\": %2")
                                 .arg(name, r.error));
        const bool stored = r.ok && !r.value.isEmpty();
        const QString approved = approvals.approvedFor(name);
        if (out.json()) {
            out.object(QJsonObject{
                {QStringLiteral("profile"), name},
                {QStringLiteral("stored"), stored},
                {QStringLiteral("origin"), profile.origin()},
                {QStringLiteral("approved_origin"),
                 approved.isEmpty() ? QJsonValue() : QJsonValue(approved)},
                {QStringLiteral("approved"), !approved.isEmpty() && approved == profile.origin()}});
        } else if (!profile.acceptsKey()) {
            out.line(QStringLiteral("Profile %1: no API key is stored").arg(name));
        } else {
            out.line(stored ? QStringLiteral("Profile %1: an API key is stored in the keychain; %2")
                                  .arg(name, approvalLine(profile, approved))
                            : QStringLiteral("Profile %1: no API key is stored").arg(name));
        }
        return Success;
    }
    const SecretResult r = store.remove(profile.keychainKey());
    if (!r.ok)
        return out.error(
            QStringLiteral("could not delete the key of profile \"%1\": %2").arg(name, r.error));
    approvals.revoke(name);
    if (out.json())
        out.object(
            QJsonObject{{QStringLiteral("profile"), name}, {QStringLiteral("deleted"), true}});
    else
        out.line(QStringLiteral("Deleted the API key of profile %1 (if one was stored)").arg(name));
    return Success;
}

} // namespace quiver::cli
