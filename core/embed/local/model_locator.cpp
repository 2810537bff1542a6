#include "core/embed/local/model_locator.h"

#include "core/embed/embedder.h"
#include "core/util/app_paths.h"

#include <QDir>
#include <QFileInfo>

namespace quiver {

namespace {

constexpr int kFoldersUp = 4; // build/tests/unit/<exe> is three below build/

bool holdsModel(const QString& dir) {
    return QFileInfo(QDir(dir).filePath(QStringLiteral("model.json"))).isFile();
}

} // namespace

QStringList ModelLocator::candidates(const QString& name) {
    const QString overridden = qEnvironmentVariable(kOverrideVariable);
    if (!overridden.isEmpty())
        return {QDir::cleanPath(overridden)};
    const QString exeDir = programDir();
    const QString relative = QStringLiteral("models/") + name;
    QStringList out;
    out << QDir::cleanPath(exeDir + QLatin1Char('/') + relative)
        << QDir::cleanPath(exeDir + QStringLiteral("/../Resources/") + relative);
    QDir dir(exeDir);
    for (int up = 0; up <= kFoldersUp; ++up) {
        out << QDir::cleanPath(dir.filePath(QStringLiteral("share/quiver/") + relative));
        if (!dir.cdUp())
            break;
    }
    out.removeDuplicates();
    return out;
}

QString ModelLocator::find(const QString& name) {
    const QStringList places = candidates(name);
    for (const QString& dir : places)
        if (holdsModel(dir))
            return dir;
    if (!qEnvironmentVariable(kOverrideVariable).isEmpty())
        throw EmbedError(EmbedError::Kind::Config,
                         QStringLiteral("%1 is set to %2, which holds no model.json of the local "
                                        "model %3. Point it at the folder of the model files, "
                                        "or unset it to use the bundled model.")
                             .arg(QString::fromLatin1(kOverrideVariable),
                                  QDir::toNativeSeparators(places.value(0)), name));
    QStringList shown;
    for (const QString& p : places)
        shown << QDir::toNativeSeparators(p);
    throw EmbedError(
        EmbedError::Kind::Config,
        QStringLiteral("The local model %1 is not installed (looked in %2). Reinstall "
                       "Quiver, or from a source tree run scripts/fetch-model.sh and "
                       "rebuild; %3 may point at a copy of the model files.")
            .arg(name, shown.join(QStringLiteral(", ")), QString::fromLatin1(kOverrideVariable)));
}

} // namespace quiver
