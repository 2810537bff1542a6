#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli key set|status|delete PROFILE`: a profile's API key in the keychain. The key is
// read from standard input, never from the command line, and never printed.
int runKeyCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
