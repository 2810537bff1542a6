#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli index status|rebuild|verify [--model M] [--sample N]`.
int runIndexCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
