#pragma once

#include <QString>

namespace quiver {

// Masks secrets in text bound for logs, error messages and the UI: passwords in libpq
// conninfo strings and URLs, bearer tokens, and API-key-shaped strings.
QString redactSecrets(const QString& text);

} // namespace quiver
