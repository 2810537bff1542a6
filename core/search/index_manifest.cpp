#include "core/search/index_manifest.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <stdexcept>

namespace quiver {

namespace {
[[noreturn]] void bad(const QString& path, const QString& why) {
    throw std::runtime_error(QStringLiteral("index manifest %1: %2").arg(path, why).toStdString());
}
} // namespace

IndexManifest IndexManifest::load(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        bad(path, f.errorString());
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        bad(path, QStringLiteral("not valid JSON"));
    const QJsonObject o = doc.object();
    if (const int format = o.value(QStringLiteral("format")).toInt(); format != kFormat)
        bad(path, QStringLiteral("format %1, this version of Quiver reads format %2: the index is "
                                 "built again")
                      .arg(format)
                      .arg(kFormat));
    IndexManifest m;
    m.database = DatabaseIdentity::fromJson(o.value(QStringLiteral("database")).toObject());
    m.model = o.value(QStringLiteral("model")).toString();
    m.dimensions = o.value(QStringLiteral("dimensions")).toInt();
    m.watermark = o.value(QStringLiteral("watermark")).toString().toULongLong();
    m.baseFile = o.value(QStringLiteral("base_file")).toString();
    m.vectors = o.value(QStringLiteral("vectors")).toString().toULongLong();
    m.fileBytes = o.value(QStringLiteral("file_bytes")).toString().toULongLong();
    m.builtAt = QDateTime::fromString(o.value(QStringLiteral("built_at")).toString(), Qt::ISODate);
    if (o.contains(QStringLiteral("recall"))) {
        m.recall = o.value(QStringLiteral("recall")).toDouble();
        m.recallSample = o.value(QStringLiteral("recall_sample")).toInt();
        m.recallMeasuredAt = QDateTime::fromString(
            o.value(QStringLiteral("recall_measured_at")).toString(), Qt::ISODate);
    }
    if (m.model.isEmpty() || m.dimensions <= 0 || m.baseFile.isEmpty() ||
        m.baseFile.contains(QLatin1Char('/')) || m.baseFile.contains(QLatin1Char('\\')))
        bad(path, QStringLiteral("incomplete"));
    return m;
}

void IndexManifest::save(const QString& path) const {
    QJsonObject o{{QStringLiteral("format"), kFormat},
                  {QStringLiteral("database"), database.toJson()},
                  {QStringLiteral("model"), model},
                  {QStringLiteral("dimensions"), dimensions},
                  {QStringLiteral("watermark"), QString::number(watermark)},
                  {QStringLiteral("base_file"), baseFile},
                  {QStringLiteral("vectors"), QString::number(vectors)},
                  {QStringLiteral("file_bytes"), QString::number(fileBytes)},
                  {QStringLiteral("built_at"), builtAt.toUTC().toString(Qt::ISODate)}};
    if (recall) {
        o.insert(QStringLiteral("recall"), *recall);
        o.insert(QStringLiteral("recall_sample"), recallSample);
        o.insert(QStringLiteral("recall_measured_at"),
                 recallMeasuredAt.toUTC().toString(Qt::ISODate));
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) ||
        !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        f.write(QJsonDocument(o).toJson(QJsonDocument::Indented)) < 0 || !f.commit())
        throw std::runtime_error(
            QStringLiteral("cannot write %1: %2").arg(path, f.errorString()).toStdString());
}

} // namespace quiver
