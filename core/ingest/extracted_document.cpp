#include "core/ingest/extracted_document.h"

#include <algorithm>

namespace quiver {

int ExtractedDocument::pageAt(qsizetype offset) const {
    if (pageStarts.isEmpty())
        return 0;
    const auto it = std::upper_bound(pageStarts.begin(), pageStarts.end(), offset);
    return static_cast<int>(std::max<qsizetype>(1, it - pageStarts.begin()));
}

} // namespace quiver
