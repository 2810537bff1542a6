#include "core/search/query_embedder_factory.h"

#include "core/db/pg_connection.h"
#include "core/embed/embedder_factory.h"
#include "core/embed/profile_repository.h"
#include "core/secrets/secret_store.h"

#include <memory>

namespace quiver {

QString preferredSearchModel(PgConnection& conn) {
    const PgResult r = conn.exec(QStringLiteral("SELECT model FROM quiver.embeddings GROUP BY "
                                                "model ORDER BY count(*) DESC, model"));
    if (r.rows() == 0)
        return {};
    for (const EmbeddingProfile& p : ProfileRepository(conn).list()) {
        if (!p.isDefault)
            continue;
        const QString wanted = modelIdFor(p);
        for (int i = 0; i < r.rows(); ++i) {
            if (r.text(i, 0) == wanted)
                return wanted;
        }
    }
    return r.text(0, 0);
}

QueryEmbedder queryEmbedderForModel(PgConnection& conn, const QString& model,
                                    const ApiKeyResolver::Sources& keySources) {
    std::optional<EmbeddingProfile> match;
    for (const EmbeddingProfile& p : ProfileRepository(conn).list()) {
        if (modelIdFor(p) == model && (!match || p.isDefault))
            match = p;
    }
    if (!match)
        throw SearchError(QStringLiteral("no embedding profile makes vectors of model '%1': add "
                                         "one (quiver-cli profile add), or search with --mode "
                                         "keyword")
                              .arg(model)
                              .toStdString());
    QString key;
    if (match->acceptsKey()) {
        SecretStore store;
        key = ApiKeyResolver(store).resolve(*match, keySources).key;
    }
    std::shared_ptr<Embedder> embedder = createEmbedder(*match, key);
    return [embedder](const QString& text) { return queryEmbedderFor(*embedder)(text); };
}

} // namespace quiver
