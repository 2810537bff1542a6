#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli profile add|list|remove|default`: the embedding provider profiles.
int runProfileCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
