#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// quiver-cli jobs list | add | alter | pause | resume | delete | run | history
int runJobsCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
