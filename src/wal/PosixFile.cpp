#include "wal/PosixFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace infrasage::wal {
namespace {

[[noreturn]] void throwErrno(const char* what, const std::filesystem::path& path) {
    const int err = errno;
    throw std::runtime_error(std::string("WAL ") + what + " " + path.string() + ": " +
                             std::strerror(err));
}

}  // namespace

PosixFile::PosixFile(const std::filesystem::path& path, int flags, unsigned mode)
    : fd_(::open(path.c_str(), flags | O_CLOEXEC, mode)), path_(path) {
    if (fd_ < 0) {
        throwErrno("open", path);
    }
}

PosixFile::~PosixFile() {
    close();
}

PosixFile::PosixFile(PosixFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

PosixFile& PosixFile::operator=(PosixFile&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

uint64_t PosixFile::size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        throwErrno("fstat", path_);
    }
    return static_cast<uint64_t>(st.st_size);
}

size_t PosixFile::readAt(char* out, size_t size, uint64_t offset) const {
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throwErrno("read", path_);
        }
        if (n == 0) {
            break;
        }
        done += static_cast<size_t>(n);
    }
    return done;
}

void PosixFile::writeAt(std::span<iovec> buffers, uint64_t offset) {
    // pwritev takes at most IOV_MAX buffers and may stop short; advance through the array.
    size_t first = 0;
    while (first < buffers.size()) {
        const size_t count = std::min<size_t>(buffers.size() - first, IOV_MAX);
        const ssize_t n = ::pwritev(fd_, buffers.data() + first, static_cast<int>(count),
                                    static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throwErrno("write", path_);
        }
        if (n == 0) {
            throw std::runtime_error("WAL write " + path_.string() + ": no progress");
        }
        auto left = static_cast<size_t>(n);
        offset += left;
        while (first < buffers.size() && left >= buffers[first].iov_len) {
            left -= buffers[first].iov_len;
            ++first;
        }
        if (left > 0) {
            buffers[first].iov_base = static_cast<char*>(buffers[first].iov_base) + left;
            buffers[first].iov_len -= left;
        }
    }
}

void PosixFile::dataSync() {
    if (::fdatasync(fd_) != 0) {
        throwErrno("fdatasync", path_);
    }
}

void PosixFile::sync() {
    if (::fsync(fd_) != 0) {
        throwErrno("fsync", path_);
    }
}

void PosixFile::truncate(uint64_t size) {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
        throwErrno("truncate", path_);
    }
}

void PosixFile::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void PosixFile::syncDirectory(const std::filesystem::path& dir) {
    PosixFile file(dir, O_RDONLY | O_DIRECTORY);
    file.sync();
}

}  // namespace infrasage::wal
