#pragma once

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <stdexcept>
#include <vector>

// The reference implementation's token ids and vectors (tests/fixtures/local_model/golden.json,
// produced by make_golden.mjs beside it).
struct GoldenCase {
    QString text;
    std::vector<int> ids;
    bool truncated = false; // the reference embedded only the first 128 tokens
    std::vector<float> vector;
};

inline std::vector<GoldenCase> loadGoldenCases() {
    const QString path = qEnvironmentVariable("QUIVER_SOURCE_DIR") +
                         QStringLiteral("/tests/fixtures/local_model/golden.json");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path.toStdString());
    const QJsonArray cases =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("cases")).toArray();
    std::vector<GoldenCase> out;
    for (const QJsonValue& v : cases) {
        const QJsonObject o = v.toObject();
        GoldenCase c;
        c.text = o.value(QStringLiteral("text")).toString();
        c.truncated = o.value(QStringLiteral("truncated")).toBool();
        for (const QJsonValue& id : o.value(QStringLiteral("ids")).toArray())
            c.ids.push_back(id.toInt());
        for (const QJsonValue& x : o.value(QStringLiteral("vector")).toArray())
            c.vector.push_back(static_cast<float>(x.toDouble()));
        out.push_back(std::move(c));
    }
    if (out.size() < 30)
        throw std::runtime_error("golden.json holds too few cases: " + path.toStdString());
    return out;
}

inline double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        dot += static_cast<double>(a[i]) * static_cast<double>(b[i]);
        na += static_cast<double>(a[i]) * static_cast<double>(a[i]);
        nb += static_cast<double>(b[i]) * static_cast<double>(b[i]);
    }
    return a.size() == b.size() && na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}
