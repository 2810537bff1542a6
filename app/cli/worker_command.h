#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// quiver-cli worker [--profile P] [--concurrency N] [--once] [--api-key-file F] [--lease S]
int runWorkerCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
