#include "app/cli/profile_command.h"

#include "core/embed/approved_origins.h"
#include "core/embed/profile_repository.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_opener.h"

#include <QJsonObject>
#include <QSettings>

#include <optional>

namespace quiver::cli {

namespace {

const QString kUsage = QStringLiteral(
    "usage: quiver-cli profile add NAME --kind openai|openai-compatible|ollama|local|lexical "
    "[--base-url URL] [--model M] [--dimensions N] [--batch-size N] [--concurrency N] [--rpm N] "
    "[--tpm N] [--timeout-ms N] [--max-input-tokens N] [--max-retries N] [--default]\n"
    "       quiver-cli profile list | remove NAME | default NAME");

QJsonObject toJson(const EmbeddingProfile& p) {
    QJsonObject o{
        {QStringLiteral("name"), p.name},
        {QStringLiteral("kind"), EmbeddingProfile::kindName(p.kind)},
        {QStringLiteral("model"), p.model},
        {QStringLiteral("base_url"), p.effectiveBaseUrl()},
        {QStringLiteral("dimensions"), p.dimensions},
        {QStringLiteral("batch_size"), p.batchSize},
        {QStringLiteral("concurrency"), p.concurrency},
        {QStringLiteral("rpm"), p.requestsPerMinute},
        {QStringLiteral("tpm"), p.tokensPerMinute},
        {QStringLiteral("timeout_ms"), p.timeoutMs},
        {QStringLiteral("max_input_tokens"), p.maxInputTokens},
        {QStringLiteral("max_retries"), p.maxRetries},
        {QStringLiteral("default"), p.isDefault},
    };
    return o;
}

// Pops an integer option; returns an error line or an empty string.
QString takeInt(QStringList& args, const char* name, int& target) {
    QString value;
    bool present = false;
    const QString option = QString::fromLatin1(name);
    if (!takeOption(args, option, value, present))
        return QStringLiteral("%1 needs a number").arg(option);
    if (!present)
        return {};
    bool ok = false;
    const int n = value.toInt(&ok);
    if (!ok || n < 0)
        return QStringLiteral("%1 needs a whole number of zero or more").arg(option);
    target = n;
    return {};
}

int add(const CliArguments& args, const CliOutput& out, PgConnection& conn) {
    QStringList rest = args.words.mid(2);
    QString kindName;
    bool present = false;
    if (!takeOption(rest, QStringLiteral("--kind"), kindName, present) || !present)
        return out.usageError(QStringLiteral("profile add needs --kind (one of %1)")
                                  .arg(EmbeddingProfile::kindNames().join(QStringLiteral(", "))));
    const std::optional<EmbeddingProfile::Kind> kind = EmbeddingProfile::kindFromName(kindName);
    if (!kind)
        return out.usageError(QStringLiteral("unknown --kind; use one of %1")
                                  .arg(EmbeddingProfile::kindNames().join(QStringLiteral(", "))));
    if (rest.isEmpty() || rest.first().startsWith(QLatin1String("--")))
        return out.usageError(QStringLiteral("profile add needs a NAME\n") + kUsage);
    EmbeddingProfile p = EmbeddingProfile::withDefaults(rest.takeFirst(), *kind);
    QString value;
    if (!takeOption(rest, QStringLiteral("--base-url"), value, present))
        return out.usageError(QStringLiteral("--base-url needs a URL"));
    if (present)
        p.baseUrl = value;
    if (!takeOption(rest, QStringLiteral("--model"), value, present))
        return out.usageError(QStringLiteral("--model needs a name"));
    if (present)
        p.model = value;
    for (const auto& [name, field] :
         {std::pair{"--dimensions", &p.dimensions}, std::pair{"--batch-size", &p.batchSize},
          std::pair{"--concurrency", &p.concurrency}, std::pair{"--rpm", &p.requestsPerMinute},
          std::pair{"--tpm", &p.tokensPerMinute}, std::pair{"--timeout-ms", &p.timeoutMs},
          std::pair{"--max-input-tokens", &p.maxInputTokens},
          std::pair{"--max-retries", &p.maxRetries}}) {
        const QString problem = takeInt(rest, name, *field);
        if (!problem.isEmpty())
            return out.usageError(problem);
    }
    p.isDefault = takeFlag(rest, QStringLiteral("--default"));
    if (!rest.isEmpty())
        // Only the count: an unexpected argument may be a pasted key.
        return out.usageError(
            QStringLiteral("profile add: %1 unexpected argument(s)\n").arg(rest.size()) + kUsage);
    const EmbeddingProfile added = ProfileRepository(conn).add(p);
    // The address was typed here, on this machine: the profile's key may go there. (A key over
    // plain http:// to another machine stays refused, approved or not.)
    if (added.acceptsKey() && ApprovedOrigins::refusal(added).isEmpty())
        ApprovedOrigins().approve(added.name, added.origin());
    if (out.json())
        out.object(toJson(added));
    else
        out.line(QStringLiteral("Added profile %1 (%2, model %3)%4")
                     .arg(added.name, EmbeddingProfile::kindName(added.kind), added.model,
                          added.isDefault ? QStringLiteral(", the default") : QString()));
    return Success;
}

int list(const CliOutput& out, PgConnection& conn) {
    const QList<EmbeddingProfile> profiles = ProfileRepository(conn).list();
    if (out.json()) {
        for (const EmbeddingProfile& p : profiles)
            out.object(toJson(p));
        return Success;
    }
    out.line(QStringLiteral("  %1 %2 %3 %4 %5 %6 %7")
                 .arg(QStringLiteral("NAME"), -16)
                 .arg(QStringLiteral("KIND"), -18)
                 .arg(QStringLiteral("MODEL"), -32)
                 .arg(QStringLiteral("DIMS"), 5)
                 .arg(QStringLiteral("BATCH"), 5)
                 .arg(QStringLiteral("CONC"), 4)
                 .arg(QStringLiteral("BASE URL")));
    for (const EmbeddingProfile& p : profiles) {
        out.line(QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8")
                     .arg(p.isDefault ? QStringLiteral("*") : QStringLiteral(" "))
                     .arg(p.name, -16)
                     .arg(EmbeddingProfile::kindName(p.kind), -18)
                     .arg(p.model, -32)
                     .arg(p.dimensions > 0 ? QString::number(p.dimensions) : QStringLiteral("-"), 5)
                     .arg(p.batchSize, 5)
                     .arg(p.concurrency, 4)
                     .arg(p.isRemote() ? p.effectiveBaseUrl() : QStringLiteral("-")));
    }
    return Success;
}

int remove(const QString& name, const CliOutput& out, PgConnection& conn) {
    ProfileRepository repo(conn);
    const std::optional<EmbeddingProfile> p = repo.find(name);
    repo.remove(name);
    QString note;
    if (p && p->acceptsKey()) {
        // A later profile of the same name must not inherit this one's key, nor where it was
        // allowed to go.
        ApprovedOrigins().revoke(name);
        const SecretResult removed = SecretStore().remove(p->keychainKey());
        if (!removed.ok)
            note = QStringLiteral(" (its API key could not be removed from the keychain: %1)")
                       .arg(removed.error);
    }
    if (out.json())
        out.object(QJsonObject{{QStringLiteral("removed"), name},
                               {QStringLiteral("key_removed"), note.isEmpty()}});
    else
        out.line(QStringLiteral("Removed profile %1%2").arg(name, note));
    return Success;
}

} // namespace

int runProfileCommand(const CliArguments& args, const CliOutput& out) {
    const QStringList& w = args.words;
    const QString sub = w.value(1);
    const bool known =
        (sub == QLatin1String("add") && w.size() >= 3) ||
        (sub == QLatin1String("list") && w.size() == 2) ||
        ((sub == QLatin1String("remove") || sub == QLatin1String("default")) && w.size() == 3);
    if (!known)
        return out.usageError(kUsage);
    const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
    DatabaseOpener opener;
    try {
        PgConnection conn = opener.open(target);
        if (sub == QLatin1String("add"))
            return add(args, out, conn);
        if (sub == QLatin1String("list"))
            return list(out, conn);
        if (sub == QLatin1String("remove"))
            return remove(w[2], out, conn);
        ProfileRepository(conn).setDefault(w[2]);
        if (out.json())
            out.object(QJsonObject{{QStringLiteral("default"), w[2]}});
        else
            out.line(QStringLiteral("Profile %1 is now the default").arg(w[2]));
        return Success;
    } catch (const ProfileError& e) {
        return out.error(e.message());
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }
}

} // namespace quiver::cli
