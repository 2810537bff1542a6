#include "app/cli/cli_arguments.h"

namespace quiver::cli {

bool takeOption(QStringList& args, const QString& name, QString& value, bool& present) {
    present = false;
    const QString prefix = name + QLatin1Char('=');
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--"))
            break;
        if (args[i].startsWith(prefix)) {
            value = args[i].mid(prefix.size());
            args.removeAt(i);
            present = true;
            return true;
        }
        if (args[i] == name) {
            present = true;
            if (i + 1 >= args.size())
                return false;
            value = args[i + 1];
            args.remove(i, 2);
            return true;
        }
    }
    return true;
}

bool takeNonEmptyOption(QStringList& args, const QString& name, QString& value) {
    bool present = false;
    return takeOption(args, name, value, present) && !(present && value.isEmpty());
}

bool takeFlag(QStringList& args, const QString& name) {
    const qsizetype end = args.indexOf(QStringLiteral("--"));
    const qsizetype i = args.indexOf(name);
    if (i < 0 || (end >= 0 && i > end))
        return false;
    args.removeAt(i);
    return true;
}

CliArguments CliArguments::parse(const QStringList& argv) {
    CliArguments a;
    QStringList args = argv.mid(1);
    bool present = false;
    if (!takeOption(args, QStringLiteral("--db"), a.db, present))
        a.error = QStringLiteral("--db needs a value (a libpq conninfo or postgresql:// URL)");
    else if (present && a.db.isEmpty())
        a.error = QStringLiteral("--db needs a non-empty value");
    a.json = takeFlag(args, QStringLiteral("--json"));
    a.help = takeFlag(args, QStringLiteral("--help")) || takeFlag(args, QStringLiteral("-h"));
    a.version = takeFlag(args, QStringLiteral("--version"));
    a.words = args;
    return a;
}

} // namespace quiver::cli
