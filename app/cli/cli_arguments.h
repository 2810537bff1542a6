#pragma once

#include <QString>
#include <QStringList>

namespace quiver::cli {

// The options every command takes, pulled out of argv wherever they stand; what is left is
// the command and its own arguments.
struct CliArguments {
    QString db;        // --db CONNINFO
    bool json = false; // --json
    bool help = false; // -h, --help
    bool version = false;
    QStringList words; // command, subcommand, their arguments and options
    QString error;     // set when the global options themselves are malformed

    static CliArguments parse(const QStringList& argv);
};

// Pops "--name VALUE" / "--name=VALUE" out of args; returns false if the value is missing.
bool takeOption(QStringList& args, const QString& name, QString& value, bool& present);
// Like takeOption, but an option given with an empty value is as wrong as one with none; an
// absent option leaves value alone and succeeds.
bool takeNonEmptyOption(QStringList& args, const QString& name, QString& value);
bool takeFlag(QStringList& args, const QString& name);

} // namespace quiver::cli
