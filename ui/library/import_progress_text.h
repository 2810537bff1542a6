#pragma once

#include <QString>

namespace quiver {

struct ImportProgress;
struct ImportSummary;

// How an import's progress and outcome read, shared by the status bar and the Library page.
int importProgressPermille(const ImportProgress& p); // 0..1000, by bytes (files when empty)
QString
importProgressText(const ImportProgress& p); // "3 of 40 files · 1.2 MB of 9 MB · 120 passages"
QString importSummaryText(const ImportSummary& s);

} // namespace quiver
