#include "core/embed/profile_repository.h"

#include "core/db/pg_connection.h"

namespace quiver {

namespace {

const QString kColumns = QStringLiteral(
    "id, name, kind, base_url, model, dimensions, batch_size, concurrency, requests_per_minute, "
    "tokens_per_minute, timeout_ms, max_input_tokens, max_retries, is_default");

EmbeddingProfile fromRow(const PgResult& r, int row) {
    EmbeddingProfile p;
    p.id = r.toInt64(row, 0);
    p.name = r.text(row, 1);
    p.kind =
        EmbeddingProfile::kindFromName(r.text(row, 2)).value_or(EmbeddingProfile::Kind::Lexical);
    p.baseUrl = r.isNull(row, 3) ? QString() : r.text(row, 3);
    p.model = r.text(row, 4);
    p.dimensions = r.isNull(row, 5) ? 0 : static_cast<int>(r.toInt64(row, 5));
    p.batchSize = static_cast<int>(r.toInt64(row, 6));
    p.concurrency = static_cast<int>(r.toInt64(row, 7));
    p.requestsPerMinute = r.isNull(row, 8) ? 0 : static_cast<int>(r.toInt64(row, 8));
    p.tokensPerMinute = r.isNull(row, 9) ? 0 : static_cast<int>(r.toInt64(row, 9));
    p.timeoutMs = static_cast<int>(r.toInt64(row, 10));
    p.maxInputTokens = static_cast<int>(r.toInt64(row, 11));
    p.maxRetries = static_cast<int>(r.toInt64(row, 12));
    p.isDefault = r.toBool(row, 13);
    return p;
}

QVariant nullIfZero(int v) {
    return v > 0 ? QVariant(v) : QVariant();
}

QVariant nullIfEmpty(const QString& s) {
    return s.isEmpty() ? QVariant() : QVariant(s);
}

void check(const EmbeddingProfile& p) {
    const QString problem = p.validate();
    if (!problem.isEmpty())
        throw ProfileError(problem);
}

ProfileError unknown(const QString& name) {
    return ProfileError(QStringLiteral("there is no embedding profile \"%1\": see "
                                       "'quiver-cli profile list'")
                            .arg(name.left(80)));
}

} // namespace

QList<EmbeddingProfile> ProfileRepository::list() {
    const PgResult r = m_conn.exec(QStringLiteral("SELECT %1 FROM quiver.embedding_profiles "
                                                  "ORDER BY name")
                                       .arg(kColumns));
    QList<EmbeddingProfile> out;
    for (int i = 0; i < r.rows(); ++i)
        out << fromRow(r, i);
    return out;
}

std::optional<EmbeddingProfile> ProfileRepository::find(const QString& name) {
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT %1 FROM quiver.embedding_profiles WHERE name = $1").arg(kColumns),
        {name});
    if (r.rows() == 0)
        return std::nullopt;
    return fromRow(r, 0);
}

EmbeddingProfile ProfileRepository::resolve(const QString& name) {
    if (!name.isEmpty()) {
        if (auto p = find(name))
            return *p;
        throw unknown(name);
    }
    const PgResult r = m_conn.exec(
        QStringLiteral("SELECT %1 FROM quiver.embedding_profiles WHERE is_default").arg(kColumns));
    if (r.rows() == 0)
        throw ProfileError(QStringLiteral("no embedding profile is the default: choose one with "
                                          "'quiver-cli profile default NAME'"));
    return fromRow(r, 0);
}

EmbeddingProfile ProfileRepository::add(const EmbeddingProfile& profile) {
    check(profile);
    return m_conn.transaction([&]() {
        if (find(profile.name))
            throw ProfileError(QStringLiteral("an embedding profile \"%1\" already exists: "
                                              "remove it first or choose another name")
                                   .arg(profile.name));
        const bool first = m_conn
                               .exec(QStringLiteral("SELECT NOT EXISTS (SELECT 1 FROM "
                                                    "quiver.embedding_profiles WHERE is_default)"))
                               .toBool(0, 0);
        const PgResult r = m_conn.exec(
            QStringLiteral("INSERT INTO quiver.embedding_profiles (name, kind, base_url, model, "
                           "dimensions, batch_size, concurrency, requests_per_minute, "
                           "tokens_per_minute, timeout_ms, max_input_tokens, max_retries, "
                           "is_default) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                           "$12, $13) RETURNING %1")
                .arg(kColumns),
            {profile.name, EmbeddingProfile::kindName(profile.kind), nullIfEmpty(profile.baseUrl),
             profile.model, nullIfZero(profile.dimensions), profile.batchSize, profile.concurrency,
             nullIfZero(profile.requestsPerMinute), nullIfZero(profile.tokensPerMinute),
             profile.timeoutMs, profile.maxInputTokens, profile.maxRetries, first});
        if (profile.isDefault && !first) {
            setDefault(profile.name);
            return *find(profile.name);
        }
        return fromRow(r, 0);
    });
}

void ProfileRepository::update(const EmbeddingProfile& profile) {
    check(profile);
    m_conn.transaction([&]() {
        const PgResult same = m_conn.exec(
            QStringLiteral("SELECT 1 FROM quiver.embedding_profiles WHERE name = $1 AND id <> $2"),
            {profile.name, profile.id});
        if (same.rows() > 0)
            throw ProfileError(
                QStringLiteral("an embedding profile \"%1\" already exists").arg(profile.name));
        const PgResult r = m_conn.exec(
            QStringLiteral("UPDATE quiver.embedding_profiles SET name = $2, kind = $3, "
                           "base_url = $4, model = $5, dimensions = $6, batch_size = $7, "
                           "concurrency = $8, requests_per_minute = $9, tokens_per_minute = $10, "
                           "timeout_ms = $11, max_input_tokens = $12, max_retries = $13 "
                           "WHERE id = $1"),
            {profile.id, profile.name, EmbeddingProfile::kindName(profile.kind),
             nullIfEmpty(profile.baseUrl), profile.model, nullIfZero(profile.dimensions),
             profile.batchSize, profile.concurrency, nullIfZero(profile.requestsPerMinute),
             nullIfZero(profile.tokensPerMinute), profile.timeoutMs, profile.maxInputTokens,
             profile.maxRetries});
        if (r.affectedRows() != 1)
            throw unknown(profile.name);
    });
}

void ProfileRepository::remove(const QString& name) {
    m_conn.transaction([&]() {
        const std::optional<EmbeddingProfile> p = find(name);
        if (!p)
            throw unknown(name);
        const qint64 others =
            m_conn
                .exec(QStringLiteral("SELECT count(*) FROM quiver.embedding_profiles "
                                     "WHERE name <> $1"),
                      {name})
                .toInt64(0, 0);
        if (p->isDefault && others > 0)
            throw ProfileError(QStringLiteral("\"%1\" is the default profile: make another one "
                                              "the default first ('quiver-cli profile default "
                                              "NAME')")
                                   .arg(name));
        m_conn.exec(QStringLiteral("DELETE FROM quiver.embedding_profiles WHERE name = $1"),
                    {name});
    });
}

void ProfileRepository::setDefault(const QString& name) {
    m_conn.transaction([&]() {
        if (!find(name))
            throw unknown(name);
        m_conn.exec(QStringLiteral("UPDATE quiver.embedding_profiles SET is_default = false "
                                   "WHERE is_default AND name <> $1"),
                    {name});
        m_conn.exec(QStringLiteral("UPDATE quiver.embedding_profiles SET is_default = true "
                                   "WHERE name = $1"),
                    {name});
    });
}

} // namespace quiver
