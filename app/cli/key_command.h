#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli key set|approve|status|delete PROFILE`: a profile's API key in the keychain, and
// the address (origin) this machine approved for it. The key is read from standard input, never
// from the command line, and never printed. `set` approves the profile's address as it is now;
// `approve` approves it for a key already stored or given by QUIVER_API_KEY / --api-key-file.
int runKeyCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
