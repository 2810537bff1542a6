#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli db status`: server version, schema version, row counts.
int runDbCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
