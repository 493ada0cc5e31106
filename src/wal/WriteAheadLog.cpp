#include "wal/WriteAheadLog.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/uio.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "wal/FrameReader.h"
#include "wal/PosixFile.h"
#include "wal/SegmentScanner.h"
#include "wal/WalFormat.h"

namespace infrasage::wal {

namespace fs = std::filesystem;

class WriteAheadLog::Impl {
  public:
    explicit Impl(WalOptions options);
    ~Impl();

    void append(std::span<const WalFrame> frames);
    std::vector<WalRecord> read(WalPosition from, uint64_t max_bytes,
                                std::chrono::milliseconds wait);
    void markDelivered(WalPosition upto);
    void wakeReaders();

    WalPosition deliveredPosition() const;
    WalPosition durableEnd() const;
    uint64_t pendingBytes() const;
    uint64_t maxPendingBytes() const { return options_.max_pending_bytes; }
    bool full() const {
        std::lock_guard lock(mu_);
        return refused_since_delivery_ ||
               durable_pending_ + reserved_bytes_ >= options_.max_pending_bytes;
    }
    uint64_t commitCount() const;

  private:
    // One append() call waiting for its group commit. Lives on the caller's stack; the caller
    // blocks until `done`, so the frames it points at stay valid for the commit thread.
    struct Request {
        std::span<const WalFrame> frames;
        std::vector<format::HeaderBytes> headers;
        uint64_t bytes = 0;
        bool done = false;
        std::exception_ptr error;
    };

    void lockDirectory();
    void recover();
    WalPosition recoverCheckpoint(const std::vector<uint64_t>& segments);
    void recoverSegments(const std::vector<uint64_t>& segments);
    PosixFile createSegment(uint64_t segment);
    void writeCheckpoint(WalPosition position);
    void warn(const std::string& message) const;

    void commitLoop();
    void writeGroup(const std::vector<Request*>& group);
    void completeGroup(const std::vector<Request*>& group, uint64_t bytes,
                       const std::exception_ptr& error);

    WalPosition normalizeLocked(WalPosition position) const;
    uint64_t distanceLocked(WalPosition from, WalPosition to) const;
    fs::path segmentPath(uint64_t segment) const {
        return options_.dir / format::segmentFileName(segment);
    }

    WalOptions options_;

    mutable std::mutex mu_;              // guards everything below up to the commit-thread section
    std::condition_variable commit_cv_;  // commit thread: queue not empty or closing
    std::condition_variable done_cv_;    // appenders: their group committed
    std::condition_variable data_cv_;    // readers: durable end moved or wakeReaders()
    std::vector<Request*> queue_;
    PosixFile lock_file_;                    // holds the directory lock while open
    bool refused_since_delivery_ = false;    // an append hit the cap; cleared by markDelivered
    uint64_t reserved_bytes_ = 0;            // queued or being written, not yet durable
    uint64_t durable_pending_ = 0;           // durable bytes after the checkpoint
    std::map<uint64_t, uint64_t> segments_;  // segment -> durable size, from the checkpoint's on
    WalPosition checkpoint_;
    WalPosition durable_end_;
    uint64_t commits_ = 0;
    uint64_t wake_generation_ = 0;
    bool closing_ = false;
    std::string broken_;  // set when a failed write could not be undone; appends then fail

    std::mutex checkpoint_mu_;  // serializes markDelivered's file I/O

    // Owned by the commit thread once it runs (set up by recovery before).
    PosixFile active_;
    uint64_t active_segment_ = 0;
    uint64_t active_size_ = 0;
    std::thread committer_;
};

WriteAheadLog::Impl::Impl(WalOptions options) : options_(std::move(options)) {
    if (options_.segment_bytes == 0) {
        throw std::invalid_argument("WAL segment_bytes must be > 0");
    }
    lockDirectory();
    recover();
    committer_ = std::thread([this] { commitLoop(); });
}

WriteAheadLog::Impl::~Impl() {
    {
        std::lock_guard lock(mu_);
        closing_ = true;
        ++wake_generation_;
    }
    commit_cv_.notify_all();
    data_cv_.notify_all();
    committer_.join();  // the commit thread finishes what is queued before it exits
}

// ---- recovery --------------------------------------------------------------------------------

// Two processes appending to one WAL would interleave frames and delete each other's segments;
// an exclusive lock on <dir>/LOCK (released by the kernel when the process dies) prevents it.
void WriteAheadLog::Impl::lockDirectory() {
    fs::create_directories(options_.dir);
    lock_file_ = PosixFile(options_.dir / "LOCK", O_RDWR | O_CREAT);
    if (::flock(lock_file_.fd(), LOCK_EX | LOCK_NB) != 0) {
        throw std::runtime_error("WAL directory " + options_.dir.string() +
                                 " is in use by another process");
    }
}

void WriteAheadLog::Impl::recover() {
    fs::remove(options_.dir / "checkpoint.tmp");
    std::vector<uint64_t> segments;
    for (const auto& entry : fs::directory_iterator(options_.dir)) {
        if (auto number = format::parseSegmentFileName(entry.path().filename().string())) {
            segments.push_back(*number);
        }
    }
    std::sort(segments.begin(), segments.end());
    checkpoint_ = recoverCheckpoint(segments);
    // Segments wholly before the checkpoint were delivered; a crash may have left them behind.
    std::erase_if(segments, [&](uint64_t s) {
        if (s >= checkpoint_.segment) {
            return false;
        }
        fs::remove(segmentPath(s));
        return true;
    });
    if (segments.empty()) {
        createSegment(checkpoint_.segment);
        segments.push_back(checkpoint_.segment);
    }
    recoverSegments(segments);
    active_segment_ = segments.back();
    active_size_ = segments_[active_segment_];
    active_ = PosixFile(segmentPath(active_segment_), O_WRONLY);
    durable_end_ = WalPosition{active_segment_, active_size_};
}

// Reads the checkpoint and points it at an existing segment, rewriting the file when it had to
// move, so that a later open cannot apply a stale offset to a different segment.
WalPosition WriteAheadLog::Impl::recoverCheckpoint(const std::vector<uint64_t>& segments) {
    const fs::path path = options_.dir / "checkpoint";
    WalPosition stored{0, 0};
    bool exists = fs::exists(path);
    if (exists) {
        PosixFile file(path, O_RDONLY);
        std::string bytes(format::kCheckpointSize + 1, '\0');
        bytes.resize(file.readAt(bytes.data(), bytes.size(), 0));
        try {
            stored = format::decodeCheckpoint(bytes);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(path.string() + ": " + e.what());
        }
    }
    WalPosition position = stored;
    auto first_kept = std::lower_bound(segments.begin(), segments.end(), stored.segment);
    if (first_kept == segments.end()) {
        position = WalPosition{std::max<uint64_t>(stored.segment, 1), 0};
    } else if (*first_kept != stored.segment) {
        position = WalPosition{*first_kept, 0};
    }
    if (stored.offset != 0 && position != stored) {
        warn("checkpoint " + std::to_string(stored.segment) + ":" + std::to_string(stored.offset) +
             " names a missing segment; resuming at segment " + std::to_string(position.segment));
    }
    if (position != stored && (exists || position.segment != 1)) {
        writeCheckpoint(position);
    }
    return position;
}

// Validates every frame after the checkpoint. A damaged tail of the last segment is what a crash
// mid-write leaves, and its frames were never acknowledged: cut it off. Damage anywhere else would
// lose acknowledged data silently, so refuse to open.
void WriteAheadLog::Impl::recoverSegments(const std::vector<uint64_t>& segments) {
    for (size_t i = 0; i < segments.size(); ++i) {
        const uint64_t segment = segments[i];
        if (i > 0 && segment != segments[i - 1] + 1) {
            throw std::runtime_error("WAL " + options_.dir.string() + ": segment " +
                                     std::to_string(segments[i - 1] + 1) + " is missing");
        }
        const uint64_t start = segment == checkpoint_.segment ? checkpoint_.offset : 0;
        const SegmentScan scan = SegmentScanner::scan(segmentPath(segment), start);
        const bool last = i + 1 == segments.size();
        if (scan.file_size < start) {
            throw std::runtime_error("WAL checkpoint offset " + std::to_string(start) +
                                     " is past the end of " + segmentPath(segment).string());
        }
        if (!scan.problem.empty()) {
            const std::string where = segmentPath(segment).string() + " at offset " +
                                      std::to_string(scan.valid_end) + ": " + scan.problem;
            if (!last) {
                throw std::runtime_error("WAL corrupt in " + where +
                                         " (not the last segment; refusing to skip data)");
            }
            warn("truncating torn tail of " + where + " (" +
                 std::to_string(scan.file_size - scan.valid_end) + " bytes dropped)");
            PosixFile file(segmentPath(segment), O_WRONLY);
            file.truncate(scan.valid_end);
            file.sync();
        }
        segments_[segment] = scan.valid_end;
        durable_pending_ += scan.valid_end - start;
    }
}

// Not O_EXCL: a segment created by a roll whose first group then failed is reused by the retry.
PosixFile WriteAheadLog::Impl::createSegment(uint64_t segment) {
    PosixFile file(segmentPath(segment), O_WRONLY | O_CREAT);
    if (options_.fsync) {
        PosixFile::syncDirectory(options_.dir);
    }
    return file;
}

void WriteAheadLog::Impl::writeCheckpoint(WalPosition position) {
    const fs::path tmp = options_.dir / "checkpoint.tmp";
    {
        PosixFile file(tmp, O_WRONLY | O_CREAT | O_TRUNC);
        auto bytes = format::encodeCheckpoint(position);
        iovec iov{bytes.data(), bytes.size()};
        file.writeAt(std::span<iovec>(&iov, 1), 0);
        if (options_.fsync) {
            file.sync();
        }
    }
    fs::rename(tmp, options_.dir / "checkpoint");
    if (options_.fsync) {
        PosixFile::syncDirectory(options_.dir);
    }
}

void WriteAheadLog::Impl::warn(const std::string& message) const {
    if (options_.on_warning) {
        options_.on_warning(message);
    } else {
        std::cerr << "[wal] warning: " << message << std::endl;
    }
}

// ---- group commit ----------------------------------------------------------------------------

void WriteAheadLog::Impl::append(std::span<const WalFrame> frames) {
    if (frames.empty()) {
        return;
    }
    Request request;
    request.frames = frames;
    request.headers.resize(frames.size());
    // CRCs are computed here, on the callers' threads, so the commit thread only does I/O.
    for (size_t i = 0; i < frames.size(); ++i) {
        const WalFrame& frame = frames[i];
        format::encodeHeader(frame.stream, frame.row_count, frame.payload,
                             request.headers[i].data());
        request.bytes += format::kHeaderSize + frame.payload.size();
    }
    std::unique_lock lock(mu_);
    if (closing_) {
        throw std::runtime_error("WAL is closing");
    }
    if (!broken_.empty()) {
        throw std::runtime_error(broken_);
    }
    if (durable_pending_ + reserved_bytes_ + request.bytes > options_.max_pending_bytes) {
        refused_since_delivery_ = true;
        throw WalFullError("WAL full: " + std::to_string(durable_pending_ + reserved_bytes_) +
                           " bytes pending, cap " + std::to_string(options_.max_pending_bytes));
    }
    reserved_bytes_ += request.bytes;
    queue_.push_back(&request);
    commit_cv_.notify_one();
    done_cv_.wait(lock, [&] { return request.done; });
    if (request.error) {
        std::rethrow_exception(request.error);
    }
}

void WriteAheadLog::Impl::commitLoop() {
    std::unique_lock lock(mu_);
    for (;;) {
        commit_cv_.wait(lock, [&] { return !queue_.empty() || closing_; });
        if (queue_.empty()) {
            return;
        }
        std::vector<Request*> group;
        group.swap(queue_);
        uint64_t bytes = 0;
        for (const Request* request : group) {
            bytes += request->bytes;
        }
        lock.unlock();
        std::exception_ptr error;
        try {
            if (options_.before_commit) {
                options_.before_commit();
            }
            writeGroup(group);
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        completeGroup(group, bytes, error);
    }
}

// One pwritev (per IOV_MAX buffers) and one fdatasync for the whole group. A segment is rolled
// before a group once it passed segment_bytes, so groups never straddle segments.
void WriteAheadLog::Impl::writeGroup(const std::vector<Request*>& group) {
    if (active_size_ >= options_.segment_bytes) {
        active_ = createSegment(active_segment_ + 1);
        ++active_segment_;
        active_size_ = 0;
    }
    std::vector<iovec> buffers;
    uint64_t bytes = 0;
    for (Request* request : group) {
        for (size_t i = 0; i < request->frames.size(); ++i) {
            buffers.push_back(iovec{request->headers[i].data(), format::kHeaderSize});
            const std::string& payload = request->frames[i].payload;
            if (!payload.empty()) {
                // iovec wants a non-const pointer; pwritev only reads through it.
                buffers.push_back(iovec{const_cast<char*>(payload.data()), payload.size()});
            }
        }
        bytes += request->bytes;
    }
    try {
        active_.writeAt(buffers, active_size_);
        if (options_.fsync) {
            active_.dataSync();
        }
    } catch (...) {
        // Cut a partial group off so later frames are not written after garbage. If even that
        // fails the segment is unusable: stop accepting rather than acknowledge unreadable data.
        try {
            active_.truncate(active_size_);
        } catch (const std::exception& e) {
            std::lock_guard lock(mu_);
            broken_ = std::string("WAL unusable after a failed write: ") + e.what();
        }
        throw;
    }
    active_size_ += bytes;
}

void WriteAheadLog::Impl::completeGroup(const std::vector<Request*>& group, uint64_t bytes,
                                        const std::exception_ptr& error) {
    reserved_bytes_ -= bytes;
    if (!error) {
        segments_[active_segment_] = active_size_;
        durable_end_ = WalPosition{active_segment_, active_size_};
        durable_pending_ += bytes;
        ++commits_;
        data_cv_.notify_all();
    }
    for (Request* request : group) {
        request->error = error;
        request->done = true;
    }
    done_cv_.notify_all();
}

// ---- reading and checkpoints -----------------------------------------------------------------

// Moves a position past segment ends (and up to the oldest kept segment) so that "is there data
// after it" is a plain comparison with durable_end_.
WalPosition WriteAheadLog::Impl::normalizeLocked(WalPosition position) const {
    if (segments_.empty()) {
        return position;
    }
    if (position.segment < segments_.begin()->first) {
        position = WalPosition{segments_.begin()->first, 0};
    }
    for (auto it = segments_.find(position.segment);
         it != segments_.end() && position.offset >= it->second;) {
        if (++it == segments_.end()) {
            break;
        }
        position = WalPosition{it->first, 0};
    }
    return position;
}

std::vector<WalRecord> WriteAheadLog::Impl::read(WalPosition from, uint64_t max_bytes,
                                                 std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    const uint64_t generation = wake_generation_;
    WalPosition start = normalizeLocked(from);
    const auto available = [&] {
        start = normalizeLocked(from);
        return start < durable_end_;
    };
    if (!available()) {
        data_cv_.wait_for(
            lock, wait, [&] { return available() || wake_generation_ != generation || closing_; });
        if (!(start < durable_end_)) {
            return {};
        }
    }
    std::vector<SegmentExtent> extents;
    for (auto it = segments_.find(start.segment); it != segments_.end(); ++it) {
        extents.push_back(SegmentExtent{it->first, it->second});
    }
    lock.unlock();
    return FrameReader::read(options_.dir, extents, start.offset, max_bytes);
}

uint64_t WriteAheadLog::Impl::distanceLocked(WalPosition from, WalPosition to) const {
    if (from.segment == to.segment) {
        return to.offset - from.offset;
    }
    uint64_t distance = to.offset;
    for (auto it = segments_.lower_bound(from.segment);
         it != segments_.end() && it->first < to.segment; ++it) {
        distance += it->second - (it->first == from.segment ? from.offset : 0);
    }
    return distance;
}

void WriteAheadLog::Impl::markDelivered(WalPosition upto) {
    std::lock_guard checkpoint_lock(checkpoint_mu_);
    {
        std::lock_guard lock(mu_);
        if (upto <= checkpoint_) {
            return;
        }
        auto it = segments_.find(upto.segment);
        if (it == segments_.end() || upto.offset > it->second) {
            throw std::invalid_argument("WAL markDelivered past the durable end");
        }
    }
    writeCheckpoint(upto);  // file I/O without mu_: appends and reads continue meanwhile
    std::vector<uint64_t> deletable;
    {
        std::lock_guard lock(mu_);
        durable_pending_ -= distanceLocked(checkpoint_, upto);
        checkpoint_ = upto;
        refused_since_delivery_ = false;
        while (!segments_.empty() && segments_.begin()->first < upto.segment) {
            deletable.push_back(segments_.begin()->first);
            segments_.erase(segments_.begin());
        }
    }
    // Not synced: a segment that reappears after a crash lies before the checkpoint and is
    // removed again by recovery.
    for (uint64_t segment : deletable) {
        fs::remove(segmentPath(segment));
    }
}

void WriteAheadLog::Impl::wakeReaders() {
    {
        std::lock_guard lock(mu_);
        ++wake_generation_;
    }
    data_cv_.notify_all();
}

WalPosition WriteAheadLog::Impl::deliveredPosition() const {
    std::lock_guard lock(mu_);
    return checkpoint_;
}

WalPosition WriteAheadLog::Impl::durableEnd() const {
    std::lock_guard lock(mu_);
    return durable_end_;
}

uint64_t WriteAheadLog::Impl::pendingBytes() const {
    std::lock_guard lock(mu_);
    return durable_pending_ + reserved_bytes_;
}

uint64_t WriteAheadLog::Impl::commitCount() const {
    std::lock_guard lock(mu_);
    return commits_;
}

// ---- public facade ---------------------------------------------------------------------------

WriteAheadLog::WriteAheadLog(WalOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
WriteAheadLog::~WriteAheadLog() = default;

void WriteAheadLog::append(std::span<const WalFrame> frames) {
    impl_->append(frames);
}

std::vector<WalRecord> WriteAheadLog::read(WalPosition from, uint64_t max_bytes,
                                           std::chrono::milliseconds wait) {
    return impl_->read(from, max_bytes, wait);
}

void WriteAheadLog::markDelivered(WalPosition upto) {
    impl_->markDelivered(upto);
}
WalPosition WriteAheadLog::deliveredPosition() const {
    return impl_->deliveredPosition();
}
WalPosition WriteAheadLog::durableEnd() const {
    return impl_->durableEnd();
}
bool WriteAheadLog::full() const {
    return impl_->full();
}

uint64_t WriteAheadLog::pendingBytes() const {
    return impl_->pendingBytes();
}
uint64_t WriteAheadLog::maxPendingBytes() const {
    return impl_->maxPendingBytes();
}
uint64_t WriteAheadLog::commitCount() const {
    return impl_->commitCount();
}
void WriteAheadLog::wakeReaders() {
    impl_->wakeReaders();
}

}  // namespace infrasage::wal
