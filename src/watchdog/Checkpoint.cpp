#include "watchdog/Checkpoint.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "detect/StateCodec.h"

namespace infrasage::watchdog {

namespace {

constexpr std::string_view kMagic = "ISWDCKPT";
constexpr uint32_t kFormatVersion = 1;
// Smallest possible series entry: three empty strings, a last bucket, an empty state.
constexpr size_t kMinEntryBytes = 3 * 4 + 8 + 4;

class ByteWriter {
  public:
    void u32(uint32_t v) { littleEndian(v, 4); }
    void u64(uint64_t v) { littleEndian(v, 8); }
    void i64(int64_t v) { littleEndian(static_cast<uint64_t>(v), 8); }
    void bytes(std::string_view data) {
        if (data.size() > std::numeric_limits<uint32_t>::max()) {
            throw CheckpointError("checkpoint: field too long");
        }
        u32(static_cast<uint32_t>(data.size()));
        out_.append(data);
    }
    void raw(std::string_view data) { out_.append(data); }
    std::string& out() { return out_; }

  private:
    void littleEndian(uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) {
            out_ += static_cast<char>((v >> (8U * i)) & 0xffU);
        }
    }
    std::string out_;
};

class ByteReader {
  public:
    explicit ByteReader(std::string_view in) : in_(in) {}

    uint32_t u32() { return static_cast<uint32_t>(littleEndian(4)); }
    uint64_t u64() { return littleEndian(8); }
    int64_t i64() { return static_cast<int64_t>(littleEndian(8)); }
    std::string_view bytes() { return take(u32()); }
    std::string_view take(size_t n) {
        if (n > in_.size() - offset_) {
            throw CheckpointError("checkpoint: truncated");
        }
        auto out = in_.substr(offset_, n);
        offset_ += n;
        return out;
    }
    size_t remaining() const { return in_.size() - offset_; }

  private:
    uint64_t littleEndian(unsigned n) {
        auto data = take(n);
        uint64_t v = 0;
        for (unsigned i = 0; i < n; ++i) {
            v |= static_cast<uint64_t>(static_cast<unsigned char>(data[i])) << (8U * i);
        }
        return v;
    }
    std::string_view in_;
    size_t offset_ = 0;
};

uint32_t crc32Of(std::string_view data) {
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib takes uInt lengths; feed in chunks so files above 4 GiB are covered too.
    constexpr size_t kChunk = 1U << 30U;
    for (size_t offset = 0; offset < data.size(); offset += kChunk) {
        auto part = data.substr(offset, kChunk);
        crc = crc32(crc, reinterpret_cast<const Bytef*>(part.data()),  // NOLINT
                    static_cast<uInt>(part.size()));
    }
    return static_cast<uint32_t>(crc);
}

[[noreturn]] void throwErrno(const std::string& what, const std::filesystem::path& path) {
    throw CheckpointError("checkpoint: " + what + " " + path.string() + ": " +
                          std::strerror(errno));
}

void writeAll(int fd, std::string_view data, const std::filesystem::path& path) {
    while (!data.empty()) {
        auto n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throwErrno("cannot write", path);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void fsyncDirectory(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        throwErrno("cannot open directory", dir);
    }
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) {
        throwErrno("cannot fsync directory", dir);
    }
}

}  // namespace

Checkpoint::Checkpoint(std::filesystem::path path, CheckpointIdentity identity)
    : path_(std::move(path)), identity_(identity) {}

std::string Checkpoint::encode(const SeriesStateTable& table, const CheckpointIdentity& identity) {
    ByteWriter out;
    out.raw(kMagic);
    out.u32(kFormatVersion);
    out.u32(identity.shard.index());
    out.u32(identity.shard.count());
    out.i64(identity.step_seconds);
    out.i64(table.watermark().value_or(std::numeric_limits<int64_t>::min()));
    out.u64(table.size());
    for (const auto& [key, state] : table.series()) {
        out.bytes(key.tenant_id);
        out.bytes(key.service_id);
        out.bytes(key.metric_name);
        out.i64(state.last_bucket);
        detect::StateWriter detector_state;
        state.detector.save(detector_state);
        out.bytes(detector_state.bytes());
    }
    uint32_t crc = crc32Of(out.out());
    out.u32(crc);
    return std::move(out.out());
}

void Checkpoint::decode(std::string_view bytes, const CheckpointIdentity& identity,
                        SeriesStateTable& table) {
    if (bytes.size() < kMagic.size() + 4 || bytes.substr(0, kMagic.size()) != kMagic) {
        throw CheckpointError("checkpoint: not a Watchdog checkpoint (bad magic)");
    }
    auto body = bytes.substr(0, bytes.size() - 4);
    ByteReader trailer(bytes.substr(bytes.size() - 4));
    if (trailer.u32() != crc32Of(body)) {
        throw CheckpointError("checkpoint: checksum mismatch (damaged or truncated file)");
    }
    ByteReader in(body);
    in.take(kMagic.size());
    if (auto version = in.u32(); version != kFormatVersion) {
        throw CheckpointError("checkpoint: unknown format version " + std::to_string(version));
    }
    uint32_t index = in.u32();
    uint32_t count = in.u32();
    int64_t step = in.i64();
    if (index != identity.shard.index() || count != identity.shard.count() ||
        step != identity.step_seconds) {
        throw CheckpointError("checkpoint: written for shard " + std::to_string(index) + "/" +
                              std::to_string(count) + " step " + std::to_string(step) +
                              "s, not shard " + identity.shard.toString() + " step " +
                              std::to_string(identity.step_seconds) + "s");
    }
    int64_t watermark = in.i64();
    uint64_t series = in.u64();
    if (series > in.remaining() / kMinEntryBytes) {
        throw CheckpointError("checkpoint: series count exceeds the file");
    }
    SeriesStateTable loaded(table.options(), std::numeric_limits<size_t>::max());
    try {
        for (uint64_t i = 0; i < series; ++i) {
            SeriesKey key{std::string(in.bytes()), std::string(in.bytes()),
                          std::string(in.bytes())};
            int64_t last_bucket = in.i64();
            loaded.restore(std::move(key), last_bucket, in.bytes());
        }
    } catch (const detect::StateCodecError& e) {
        throw CheckpointError(std::string("checkpoint: detector state refused: ") + e.what());
    }
    if (in.remaining() != 0) {
        throw CheckpointError("checkpoint: trailing bytes");
    }
    if (watermark != std::numeric_limits<int64_t>::min()) {
        loaded.setWatermark(watermark);
    }
    table.takeContents(std::move(loaded));
}

size_t Checkpoint::save(const SeriesStateTable& table) const {
    std::string bytes = encode(table, identity_);
    auto dir = path_.parent_path();
    if (!dir.empty()) {
        std::filesystem::create_directories(dir);
    }
    auto temp = path_;
    temp += ".tmp";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throwErrno("cannot create", temp);
    }
    try {
        writeAll(fd, bytes, temp);
        if (::fsync(fd) != 0) {
            throwErrno("cannot fsync", temp);
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) {
        throwErrno("cannot close", temp);
    }
    if (::rename(temp.c_str(), path_.c_str()) != 0) {
        throwErrno("cannot rename onto", path_);
    }
    fsyncDirectory(dir.empty() ? std::filesystem::path(".") : dir);
    return bytes.size();
}

Checkpoint::LoadResult Checkpoint::load(SeriesStateTable& table, std::string* reason) const {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(path_, ec)) {
            return LoadResult::Missing;
        }
        if (reason != nullptr) {
            *reason = "checkpoint: cannot open " + path_.string();
        }
        return LoadResult::Refused;
    }
    std::ostringstream content;
    content << in.rdbuf();
    try {
        decode(content.str(), identity_, table);
        return LoadResult::Loaded;
    } catch (const CheckpointError& e) {
        if (reason != nullptr) {
            *reason = e.what();
        }
        return LoadResult::Refused;
    }
}

}  // namespace infrasage::watchdog
