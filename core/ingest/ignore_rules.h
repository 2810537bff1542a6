#pragma once

#include "core/ingest/glob_pattern.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace quiver {

// gitignore-style patterns relative to one base folder: '#' comments, '!' negation, a trailing
// '/' for folders only, a leading or inner '/' anchors to the base, '*', '?', '[...]' and '**'.
// The last matching pattern wins, as in git. Patterns are matched by GlobPattern, in time
// bounded by the lengths of pattern and path (a .quiverignore comes with the folder being
// imported, so it is as untrusted as the files).
class IgnoreRules {
public:
    IgnoreRules() = default;
    IgnoreRules(const QStringList& patterns, const QString& baseDir);

    bool isEmpty() const { return m_rules.isEmpty(); }
    // Ignored, not ignored (negated) or not mentioned: nullopt-like tri-state as int.
    enum class Verdict { None, Ignore, Keep };
    Verdict match(const QString& absolutePath, bool isDir) const;

    static IgnoreRules fromFile(const QString& path, const QString& baseDir);

private:
    struct Rule {
        GlobPattern glob;
        bool negate = false;
        bool dirOnly = false;
    };
    QList<Rule> m_rules;
    QString m_base;
};

} // namespace quiver
