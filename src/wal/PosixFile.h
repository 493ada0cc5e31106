// wal/PosixFile: an owned file descriptor with the few positional I/O calls the WAL needs, each
// retrying short reads/writes and EINTR and throwing std::runtime_error (with the path and errno
// text) on failure, so callers never deal with partial transfers.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

namespace infrasage::wal {

class PosixFile {
  public:
    PosixFile() = default;
    PosixFile(const std::filesystem::path& path, int flags, unsigned mode = 0644);
    ~PosixFile();
    PosixFile(PosixFile&& other) noexcept;
    PosixFile& operator=(PosixFile&& other) noexcept;
    PosixFile(const PosixFile&) = delete;
    PosixFile& operator=(const PosixFile&) = delete;

    bool isOpen() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }
    uint64_t size() const;

    // Reads up to `size` bytes at `offset`; fewer only at end of file. Returns the count.
    size_t readAt(char* out, size_t size, uint64_t offset) const;
    // Writes every byte of every buffer, contiguously from `offset`.
    void writeAt(std::span<iovec> buffers, uint64_t offset);
    void dataSync();
    void sync();
    void truncate(uint64_t size);
    void close();

    // fsync on a directory, which makes file creations, renames and deletions in it durable.
    static void syncDirectory(const std::filesystem::path& dir);

  private:
    int fd_ = -1;
    std::filesystem::path path_;
};

}  // namespace infrasage::wal
