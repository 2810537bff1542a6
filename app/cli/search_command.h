#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli search TEXT [-k N] [--collection C] [--mode hybrid|semantic|keyword]
// [--model M] [--json]`: one line (or JSON object) per result, best first.
int runSearchCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
