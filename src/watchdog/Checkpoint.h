// watchdog/Checkpoint: the on-disk copy of a SeriesStateTable, so a restarted Watchdog neither
// relearns from scratch nor re-reads (and re-alerts) what it has judged.
//
// File: magic "ISWDCKPT", format version (u32), shard index and count (u32 each), step (i64),
// watermark (i64), series count (u64), then per series tenant, service, metric (u32 length +
// bytes each), last bucket (i64) and the Ensemble state (u32 length + StateCodec bytes); last, a
// CRC-32 of everything before it. Little-endian throughout. Written to a temporary file, fsynced
// and renamed over the old one (then the directory is fsynced), so a crash leaves the old or the
// new file, never a torn one. A file that is damaged, truncated, from another shard or step, or
// holds a state the detectors refuse is rejected whole: the Watchdog logs it and relearns.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "watchdog/SeriesStateTable.h"
#include "watchdog/ShardSpec.h"

namespace infrasage::watchdog {

class CheckpointError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// What a checkpoint must match to be loaded: states of another shard or bucket width are useless.
struct CheckpointIdentity {
    ShardSpec shard;
    int64_t step_seconds = 0;
};

class Checkpoint {
  public:
    Checkpoint(std::filesystem::path path, CheckpointIdentity identity);

    static std::string encode(const SeriesStateTable& table, const CheckpointIdentity& identity);
    // Replaces `table`'s contents with the file's only if all of it is valid; throws
    // CheckpointError otherwise and leaves `table` untouched.
    static void decode(std::string_view bytes, const CheckpointIdentity& identity,
                       SeriesStateTable& table);

    // Writes atomically (temporary file, fsync, rename, directory fsync); returns the file size.
    size_t save(const SeriesStateTable& table) const;

    enum class LoadResult { Loaded, Missing, Refused };
    // Missing: no file (a first start). Refused: the file is invalid (`reason` says why) and
    // `table` is left untouched. Never throws for the file's content.
    LoadResult load(SeriesStateTable& table, std::string* reason = nullptr) const;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    CheckpointIdentity identity_;
};

}  // namespace infrasage::watchdog
