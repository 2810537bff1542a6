#include "app/cli/embed_command.h"

#include "core/embed/api_key_resolver.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/profile_repository.h"
#include "core/secrets/secret_store.h"
#include "core/session/database_opener.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>

namespace quiver::cli {

namespace {
const QString kUsage =
    QStringLiteral("usage: quiver-cli embed TEXT [--profile P] [--api-key-file FILE] [--json]");
} // namespace

int runEmbedCommand(const CliArguments& args, const CliOutput& out) {
    QStringList rest = args.words.mid(1);
    QString profileName;
    QString keyFile;
    if (!takeNonEmptyOption(rest, QStringLiteral("--profile"), profileName))
        return out.usageError(QStringLiteral("--profile needs a profile name\n") + kUsage);
    if (!takeNonEmptyOption(rest, QStringLiteral("--api-key-file"), keyFile))
        return out.usageError(QStringLiteral("--api-key-file needs a file name\n") + kUsage);
    rest.removeAll(QStringLiteral("--"));
    if (rest.size() != 1)
        return out.usageError(kUsage);
    const QString text = rest.first();
    if (!keyFile.isEmpty() && profileName.isEmpty())
        return out.usageError(QStringLiteral("--api-key-file is the key of the profile named "
                                             "with --profile: name it\n") +
                              kUsage);

    EmbeddingProfile profile;
    try {
        const DatabaseTarget target = DatabaseTarget::resolve(args.db, QSettings());
        DatabaseOpener opener;
        PgConnection conn = opener.open(target);
        profile = ProfileRepository(conn).resolve(profileName);
    } catch (const ProfileError& e) {
        return out.error(e.message());
    } catch (const std::exception& e) {
        return out.error(userMessageFor(e));
    }

    std::vector<std::vector<float>> vectors;
    QString modelId;
    bool truncated = false;
    try {
        SecretStore store;
        const ApiKeyResolver::Result key = ApiKeyResolver(store).resolve(
            profile, ApiKeyResolver::Sources{keyFile, true, profileName});
        const std::unique_ptr<Embedder> embedder = createEmbedder(profile, key.key);
        vectors = embedder->embed(QStringList{text});
        modelId = embedder->modelId();
        truncated = !embedder->lastTruncations().empty();
    } catch (const EmbedError& e) {
        return out.error(e.message());
    }
    const std::vector<float>& v = vectors.front();
    if (out.json()) {
        QJsonArray values;
        for (float x : v)
            values.append(static_cast<double>(x));
        out.object(QJsonObject{{QStringLiteral("profile"), profile.name},
                               {QStringLiteral("model"), modelId},
                               {QStringLiteral("dimensions"), static_cast<int>(v.size())},
                               {QStringLiteral("truncated"), truncated},
                               {QStringLiteral("embedding"), values}});
        return Success;
    }
    // One line, in the form PostgreSQL and pgvector read back: [x1,x2,...].
    QString line;
    line.reserve(static_cast<qsizetype>(v.size()) * 12);
    line += QLatin1Char('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0)
            line += QLatin1Char(',');
        line += QString::number(static_cast<double>(v[i]), 'g', 9);
    }
    line += QLatin1Char(']');
    out.line(line);
    return Success;
}

} // namespace quiver::cli
