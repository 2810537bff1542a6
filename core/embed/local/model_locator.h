#pragma once

#include <QString>
#include <QStringList>

namespace quiver {

// Finds the folder of a bundled model (share/quiver/models/<name>) at run time, in this order:
//   1. $QUIVER_MODEL_DIR, when set (used alone: a wrong value is an error, not a fallback);
//   2. next to the executable: <exe dir>/models/<name> (the Windows layout);
//   3. in a macOS app bundle: <exe dir>/../Resources/models/<name>;
//   4. <dir>/share/quiver/models/<name> for the executable's folder and each folder above it
//      (an installed prefix: bin/../share; a build tree: build/share from build/app or
//      build/tests/unit).
// A folder counts when it holds model.json.
class ModelLocator {
public:
    static constexpr const char* kOverrideVariable = "QUIVER_MODEL_DIR";

    // Throws EmbedError(Kind::Config) naming the places looked at and the fix.
    static QString find(const QString& name);
    // The folders find() looks at, in order.
    static QStringList candidates(const QString& name);
};

} // namespace quiver
