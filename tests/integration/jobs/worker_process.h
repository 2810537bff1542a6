#pragma once

#include "core/db/pg_connection.h"
#include "core/embed/embedding_profile.h"
#include "core/embed/profile_repository.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace quiver::test {

// The last line a finished `--json` worker printed: its summary.
inline QJsonObject lastJson(QProcess& p) {
    const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

// A `quiver-cli worker` process of the build, reading its key from a 0600 file.
// `base` is the environment it starts from (an isolated HOME, for settings and caches).
inline std::unique_ptr<QProcess>
startWorker(const QString& conninfo, const QStringList& extra,
            const QProcessEnvironment& base = QProcessEnvironment::systemEnvironment()) {
    auto p = std::make_unique<QProcess>();
    QProcessEnvironment env = base;
    env.remove(QStringLiteral("QUIVER_API_KEY"));
    // No keychain in these tests: the key comes from the file.
    env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    p->setProcessEnvironment(env);
    p->start(qEnvironmentVariable("QUIVER_BINARY_DIR") + QStringLiteral("/app/quiver-cli"),
             QStringList{QStringLiteral("--db"), conninfo, QStringLiteral("--json"),
                         QStringLiteral("worker")} +
                 extra);
    return p;
}

// Waits for the process to end; true when it exited 0.
inline bool finishedCleanly(QProcess& p, int timeoutMs) {
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return false;
    }
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// An OpenAI-compatible profile pointed at the fake server.
inline EmbeddingProfile addFakeProfile(PgConnection& conn, const QString& baseUrl, int batch,
                                       int concurrency, int maxRetries = 2) {
    EmbeddingProfile p = EmbeddingProfile::withDefaults(QStringLiteral("fake"),
                                                        EmbeddingProfile::Kind::OpenAiCompatible);
    p.baseUrl = baseUrl;
    p.model = QStringLiteral("fake-embed");
    p.dimensions = 8;
    p.batchSize = batch;
    p.concurrency = concurrency;
    p.maxRetries = maxRetries;
    p.timeoutMs = 10000;
    return ProfileRepository(conn).add(p);
}

// This machine's approval of the profile's address for its API key, as the user of a server
// gives it once: `quiver-cli key approve PROFILE`, into the settings under env's
// XDG_CONFIG_HOME. Returns what it printed on failure, empty on success.
inline QByteArray
approveKeyOrigin(const QString& conninfo, const QString& profile,
                 const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("QUIVER_BINARY_DIR") + QStringLiteral("/app/quiver-cli"),
            {QStringLiteral("--db"), conninfo, QStringLiteral("key"), QStringLiteral("approve"),
             profile});
    if (!finishedCleanly(p, 60000))
        return "key approve failed: " + p.readAllStandardError() + p.errorString().toUtf8();
    return {};
}

// A key file only its owner can read.
inline QString writeKeyFile(const QTemporaryDir& dir, const QByteArray& key) {
    const QString path = dir.filePath(QStringLiteral("key"));
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(key + '\n');
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    return path;
}

inline qint64 scalar(PgConnection& conn, const QString& sql, const QVariantList& params = {}) {
    return conn.exec(sql, params).toInt64(0, 0);
}

} // namespace quiver::test
