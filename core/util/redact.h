#pragma once

#include <QString>

namespace quiver {

// Masks secrets in text bound for logs, error messages and the UI: passwords in libpq
// conninfo strings and URLs, bearer tokens, and API-key-shaped strings.
QString redactSecrets(const QString& text);

} // namespace quiver

namespace quiver {

// Removes a known secret from text that leaves the process: the secret itself, and every word
// that shares four or more consecutive characters with it (servers quote keys partly, e.g.
// "sk-abc***xyz"). Over-masking an innocent word is the accepted price.
QString removeSecret(const QString& text, const QString& secret);

} // namespace quiver
