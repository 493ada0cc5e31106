#include "ingest/RemoteWriteDecoder.h"

#include <snappy.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <utility>

#include "common/ApiError.h"

namespace infrasage::ingest {

namespace {

// Buffers bigger than this are released after a request instead of kept for the next one.
constexpr std::size_t kRetainedBytes = 4u << 20;
constexpr std::size_t kRetainedItems = 1u << 16;
constexpr std::size_t kNoService = std::numeric_limits<std::size_t>::max();

enum class WireType : uint32_t { Varint = 0, Fixed64 = 1, Length = 2, Fixed32 = 5 };

[[noreturn]] void malformed(const char* what) {
    throw ApiError(400, "invalid_protobuf", std::string("malformed WriteRequest: ") + what);
}

struct Tag {
    uint64_t field = 0;
    WireType type = WireType::Varint;
};

// Reads protobuf wire-format values from one message's bytes; every read is bounds-checked.
class WireReader {
  public:
    explicit WireReader(std::string_view bytes)
        : pos_(bytes.data()), end_(bytes.data() + bytes.size()) {}

    bool done() const { return pos_ == end_; }

    Tag tag() {
        const uint64_t key = varint();
        const auto type = static_cast<uint32_t>(key & 7u);
        if (key >> 3 == 0) {
            malformed("field number 0");
        }
        if (type != 0 && type != 1 && type != 2 && type != 5) {
            malformed("unsupported wire type (groups are not part of WriteRequest)");
        }
        return Tag{key >> 3, static_cast<WireType>(type)};
    }

    uint64_t varint() {
        uint64_t value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (pos_ == end_) {
                malformed("truncated varint");
            }
            const auto byte = static_cast<uint8_t>(*pos_++);
            if (shift == 63 && byte > 1) {
                malformed("varint overflows 64 bits");
            }
            value |= uint64_t{byte & 0x7fu} << shift;
            if ((byte & 0x80u) == 0) {
                return value;
            }
        }
        malformed("varint longer than 10 bytes");
    }

    uint64_t fixed(std::size_t bytes) {
        if (static_cast<std::size_t>(end_ - pos_) < bytes) {
            malformed("truncated fixed-width value");
        }
        uint64_t value = 0;
        for (std::size_t i = 0; i < bytes; ++i) {
            value |= uint64_t{static_cast<uint8_t>(pos_[i])} << (8 * i);
        }
        pos_ += bytes;
        return value;
    }

    std::string_view lengthDelimited() {
        const uint64_t length = varint();
        if (length > static_cast<uint64_t>(end_ - pos_)) {
            malformed("length runs past the enclosing message");
        }
        std::string_view bytes(pos_, static_cast<std::size_t>(length));
        pos_ += length;
        return bytes;
    }

    void skip(WireType type) {
        switch (type) {
            case WireType::Varint:
                varint();
                return;
            case WireType::Fixed64:
                fixed(8);
                return;
            case WireType::Length:
                lengthDelimited();
                return;
            case WireType::Fixed32:
                fixed(4);
                return;
        }
    }

    void expect(const Tag& tag, WireType type) {
        if (tag.type != type) {
            malformed("a known field has the wrong wire type");
        }
    }

  private:
    const char* pos_;
    const char* end_;
};

// Where one series' labels and points lie in the request's vectors while they still grow.
struct Extent {
    std::size_t label_begin;
    std::size_t label_end;
    std::size_t point_begin;
    std::size_t point_end;
    std::string_view service_id;
    std::string_view metric_name;
};

std::pair<std::string_view, std::string_view> readLabel(std::string_view bytes) {
    std::string_view name;
    std::string_view value;
    WireReader r(bytes);
    while (!r.done()) {
        const Tag tag = r.tag();
        if (tag.field == 1) {
            r.expect(tag, WireType::Length);
            name = r.lengthDelimited();
        } else if (tag.field == 2) {
            r.expect(tag, WireType::Length);
            value = r.lengthDelimited();
        } else {
            r.skip(tag.type);
        }
    }
    return {name, value};
}

SamplePoint readSample(std::string_view bytes) {
    SamplePoint point;
    WireReader r(bytes);
    while (!r.done()) {
        const Tag tag = r.tag();
        if (tag.field == 1) {
            r.expect(tag, WireType::Fixed64);
            point.value = std::bit_cast<double>(r.fixed(8));
        } else if (tag.field == 2) {
            r.expect(tag, WireType::Varint);
            point.timestamp_ms = static_cast<int64_t>(r.varint());
        } else {
            r.skip(tag.type);
        }
    }
    return point;
}

template <typename T>
void clearBounded(std::vector<T>& v) {
    if (v.capacity() > kRetainedItems) {
        std::vector<T>().swap(v);
    } else {
        v.clear();
    }
}

// Reads one TimeSeries into the request, mapping the special labels.
class SeriesReader {
  public:
    SeriesReader(const RemoteWriteOptions& options, DecodedWriteRequest& out)
        : options_(options), out_(out) {}

    Extent read(std::string_view bytes) {
        Extent extent{out_.labels.size(), 0, out_.points.size(), 0, {}, {}};
        std::size_t service_index = kNoService;
        std::size_t service_rank = kNoService;
        WireReader r(bytes);
        while (!r.done()) {
            const Tag tag = r.tag();
            if (tag.field == 1) {
                r.expect(tag, WireType::Length);
                auto [name, value] = readLabel(r.lengthDelimited());
                if (value.empty()) {
                    continue;  // Prometheus: an empty value is the label's absence
                }
                if (name == "__name__") {
                    if (!extent.metric_name.empty()) {
                        duplicate(name);
                    }
                    extent.metric_name = value;
                    continue;
                }
                const std::size_t rank = serviceRank(name);
                if (rank != kNoService) {
                    if (rank == service_rank) {
                        duplicate(name);
                    }
                    if (rank < service_rank) {
                        service_rank = rank;
                        service_index = out_.labels.size();
                    }
                }
                if (out_.labels.size() - extent.label_begin >
                    options_.limits.max_labels_per_series) {  // one may still be the service's
                    throw ApiError(400, "too_many_labels",
                                   "a series has at most " +
                                       std::to_string(options_.limits.max_labels_per_series) +
                                       " labels");
                }
                out_.labels.push_back(LabelView{name, value});
            } else if (tag.field == 2) {
                r.expect(tag, WireType::Length);
                if (++out_.samples > options_.limits.max_samples_per_request) {
                    throw ApiError(400, "too_many_samples",
                                   "a request has at most " +
                                       std::to_string(options_.limits.max_samples_per_request) +
                                       " samples");
                }
                out_.points.push_back(readSample(r.lengthDelimited()));
            } else {
                r.skip(tag.type);
            }
        }
        if (service_index != kNoService) {
            extent.service_id = out_.labels[service_index].value;
            out_.labels.erase(out_.labels.begin() + static_cast<std::ptrdiff_t>(service_index));
        } else {
            extent.service_id = options_.default_service;
        }
        extent.label_end = out_.labels.size();
        extent.point_end = out_.points.size();
        return extent;
    }

  private:
    std::size_t serviceRank(std::string_view name) const {
        for (std::size_t i = 0; i < options_.service_labels.size(); ++i) {
            if (options_.service_labels[i] == name) {
                return i;
            }
        }
        return kNoService;
    }

    [[noreturn]] static void duplicate(std::string_view name) {
        throw ApiError(
            400, "duplicate_label_name",
            "label '" + std::string(name.substr(0, 64)) + "' appears more than once in a series");
    }

    const RemoteWriteOptions& options_;
    DecodedWriteRequest& out_;
};

}  // namespace

void DecodedWriteRequest::clear() {
    if (raw.capacity() > kRetainedBytes) {
        std::string().swap(raw);
    } else {
        raw.clear();
    }
    clearBounded(labels);
    clearBounded(points);
    clearBounded(series);
    samples = 0;
}

RemoteWriteDecoder::RemoteWriteDecoder(RemoteWriteOptions options) : options_(std::move(options)) {}

void RemoteWriteDecoder::decodeSnappy(std::string_view body, DecodedWriteRequest& out) const {
    out.clear();
    std::size_t length = 0;
    if (!snappy::GetUncompressedLength(body.data(), body.size(), &length)) {
        throw ApiError(400, "invalid_snappy", "the body is not snappy block-compressed");
    }
    if (length > options_.max_decompressed_bytes) {
        throw ApiError(413, "payload_too_large",
                       "the decompressed body would exceed " +
                           std::to_string(options_.max_decompressed_bytes) + " bytes");
    }
    out.raw.resize(length);
    if (!snappy::RawUncompress(body.data(), body.size(), out.raw.data())) {
        throw ApiError(400, "invalid_snappy", "the snappy-compressed body is corrupt");
    }
    decodeRaw(out);
}

void RemoteWriteDecoder::decodeProtobuf(std::string_view protobuf, DecodedWriteRequest& out) const {
    out.clear();
    out.raw.assign(protobuf);
    decodeRaw(out);
}

void RemoteWriteDecoder::decodeRaw(DecodedWriteRequest& out) const {
    std::vector<Extent> extents;
    SeriesReader series_reader(options_, out);
    WireReader r(out.raw);
    while (!r.done()) {
        const Tag tag = r.tag();
        if (tag.field != 1) {
            r.skip(tag.type);  // metadata (3) and anything newer
            continue;
        }
        r.expect(tag, WireType::Length);
        if (extents.size() == options_.limits.max_series_per_request) {
            throw ApiError(400, "too_many_series",
                           "a request has at most " +
                               std::to_string(options_.limits.max_series_per_request) + " series");
        }
        extents.push_back(series_reader.read(r.lengthDelimited()));
    }
    // The vectors are complete: views into them are stable from here on.
    out.series.reserve(extents.size());
    const std::span<const LabelView> labels(out.labels);
    const std::span<const SamplePoint> points(out.points);
    for (const auto& e : extents) {
        out.series.push_back(SeriesSamples{
            e.service_id, e.metric_name, labels.subspan(e.label_begin, e.label_end - e.label_begin),
            points.subspan(e.point_begin, e.point_end - e.point_begin)});
    }
}

}  // namespace infrasage::ingest
