#pragma once

#include "core/jobs/job_handler.h"

namespace quiver {

// sync_index: brings one model's search index in this machine's cache folder up to date with the
// database, building it when it is missing (and merging when enough has changed), so searches
// start on a fresh index. Config: {"model": M}, optional; without it, the model search uses.
// rows_done counts the vectors indexed (a build) or the changes applied (a loaded index).
class SyncIndexJob : public JobHandler {
public:
    JobOutcome run(JobContext& context) override;
};

} // namespace quiver
