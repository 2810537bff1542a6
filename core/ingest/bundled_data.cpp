#include "core/ingest/bundled_data.h"

#include <QDir>
#include <QFileInfo>

namespace quiver {

namespace {

// The user's own choice wins over what is bundled.
bool userChose(const char* variable) {
    return !qEnvironmentVariableIsEmpty(variable);
}

QString firstExisting(const QString& programDir, std::initializer_list<const char*> relatives,
                      bool wantDir) {
    for (const char* relative : relatives) {
        const QFileInfo info(
            QDir::cleanPath(programDir + QLatin1Char('/') + QString::fromLatin1(relative)));
        if (wantDir ? info.isDir() : info.isFile())
            return info.filePath();
    }
    return {};
}

} // namespace

QString bundledMagicDatabase(const QString& programDir) {
    if (userChose("MAGIC"))
        return {};
    return firstExisting(programDir, {"../Resources/magic.mgc", "../share/misc/magic.mgc"}, false);
}

QString bundledTessdata(const QString& programDir) {
    if (userChose("TESSDATA_PREFIX"))
        return {};
    return firstExisting(programDir, {"../Resources/tessdata", "../share/tessdata"}, true);
}

} // namespace quiver
