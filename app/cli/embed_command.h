#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli embed TEXT [--profile P] [--api-key-file F]`: one text's vector.
int runEmbedCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
