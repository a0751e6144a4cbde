// Batch scanning: many inputs over one shared Scanner on a thread pool, results emitted in input
// order as JSON Lines (stdout or FILE.jsonl, resumable) or one report file per input (-o DIR).
#pragma once

#include <string>
#include <vector>

#include "scanner/cli/commands.hpp"

namespace sdkscope::cli {

/// True when `scan` runs in batch mode: several inputs, --from-list, --shard or --resume.
bool is_batch(const ScanArgs& args);

/// Runs a batch over the positional inputs followed by the --from-list entries. Exit code:
/// kExitError on bad usage, an unusable database or output, or when no input could be scanned;
/// kExitViolation when a scanned input violates its policy; kExitOk otherwise.
int run_batch(const ScanArgs& args);

}  // namespace sdkscope::cli
