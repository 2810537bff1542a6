#include "core/ingest/read_context.h"

#include "core/ingest/read_error.h"

namespace quiver {

void ReadContext::checkCancelled() const {
    if (isCancelled())
        throw ReadCancelled();
    if (deadline.hasExpired())
        throw ReadError(QStringLiteral("reading it took longer than its %1 s limit (damaged, or "
                                       "made to be slow to read); raise import/maxReadSeconds if "
                                       "it is genuine")
                            .arg(deadlineSeconds));
}

} // namespace quiver
