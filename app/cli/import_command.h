#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli import PATH... [--collection NAME]`: one line (or JSON object) per file; exits 0
// when every file was imported, unchanged or deliberately skipped, 1 when any failed.
int runImportCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
