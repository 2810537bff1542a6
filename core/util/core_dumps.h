#pragma once

namespace quiver {

// Turns off core dumps of this process (soft and hard limit 0): a dump would hold whatever is
// in memory, an API key or the text of the user's documents, in a file that outlives the run.
// Called first thing by the programs; children inherit it. False where the system refused.
bool disableCoreDumps();

} // namespace quiver
