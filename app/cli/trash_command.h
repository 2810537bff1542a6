#pragma once

#include "app/cli/cli_arguments.h"
#include "app/cli/cli_output.h"

namespace quiver::cli {

// `quiver-cli trash list | restore ID... | empty [--older-than DAYS]`: the documents removed
// from the library, restored with their embeddings or deleted for good.
int runTrashCommand(const CliArguments& args, const CliOutput& out);

} // namespace quiver::cli
