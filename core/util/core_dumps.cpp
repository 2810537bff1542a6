#include "core/util/core_dumps.h"

#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace quiver {

bool disableCoreDumps() {
#ifdef Q_OS_UNIX
    const rlimit none{0, 0};
    return ::setrlimit(RLIMIT_CORE, &none) == 0;
#else
    // Windows writes no core file by itself; Windows Error Reporting's dumps are the user's
    // system setting.
    return true;
#endif
}

} // namespace quiver
