#include "ingest/RemoteWriteDecoder.h"

#include <snappy.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
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

// Reads TimeSeries messages into the request, mapping the special labels. One series at a time:
// begin(), label()/sample() as the fields come, finish().
class SeriesReader {
  public:
    SeriesReader(const RemoteWriteOptions& options, DecodedWriteRequest& out)
        : options_(options), out_(out) {}

    // Remote write 1.0: labels = 1 {name = 1, value = 2}, samples = 2, exemplars = 3 and native
    // histograms = 4 (Prometheus 2.40+) counted and skipped.
    Extent read(std::string_view bytes) {
        SeriesState state = begin();
        WireReader r(bytes);
        while (!r.done()) {
            const Tag tag = r.tag();
            if (tag.field == 1) {
                r.expect(tag, WireType::Length);
                auto [name, value] = readLabel(r.lengthDelimited());
                label(state, name, value);
            } else if (tag.field == 2) {
                r.expect(tag, WireType::Length);
                sample(r.lengthDelimited());
            } else if (tag.field == 3 || tag.field == 4) {
                skipCounted(r, tag, tag.field == 4 ? out_.histograms : out_.exemplars);
            } else {
                r.skip(tag.type);
            }
        }
        return finish(state);
    }

    // Remote write 2.0: labels_refs = 1 (name and value references into the symbol table, packed
    // or not), samples = 2, histograms = 3 and exemplars = 4 counted and skipped, metadata and
    // created_timestamp skipped.
    Extent readV2(std::string_view bytes, std::span<const std::string_view> symbols) {
        SeriesState state = begin();
        LabelRefs refs(symbols);
        WireReader r(bytes);
        while (!r.done()) {
            const Tag tag = r.tag();
            if (tag.field == 1 && tag.type == WireType::Length) {
                WireReader packed(r.lengthDelimited());
                while (!packed.done()) {
                    refs.add(packed.varint(), *this, state);
                }
            } else if (tag.field == 1) {
                r.expect(tag, WireType::Varint);
                refs.add(r.varint(), *this, state);
            } else if (tag.field == 2) {
                r.expect(tag, WireType::Length);
                sample(r.lengthDelimited());
            } else if (tag.field == 3 || tag.field == 4) {
                skipCounted(r, tag, tag.field == 3 ? out_.histograms : out_.exemplars);
            } else {
                r.skip(tag.type);
            }
        }
        refs.finish();
        return finish(state);
    }

  private:
    // One series' state while its fields are read: a local of read()/readV2(), so the compiler
    // can keep it in registers.
    struct SeriesState {
        Extent extent;
        std::size_t service_index = kNoService;
        std::size_t service_rank = kNoService;
    };

    // Pairs a series' label references into names and values.
    class LabelRefs {
      public:
        explicit LabelRefs(std::span<const std::string_view> symbols) : symbols_(symbols) {}

        void add(uint64_t ref, SeriesReader& series, SeriesState& state) {
            if (ref >= symbols_.size()) {
                malformed("a label reference is past the symbol table");
            }
            if (!name_) {
                name_ = symbols_[ref];
                return;
            }
            series.label(state, *name_, symbols_[ref]);
            name_.reset();
        }

        void finish() const {
            if (name_) {
                malformed("labels_refs must hold name and value pairs");
            }
        }

      private:
        std::span<const std::string_view> symbols_;
        std::optional<std::string_view> name_;
    };

    static void skipCounted(WireReader& r, const Tag& tag, std::size_t& count) {
        r.expect(tag, WireType::Length);
        r.lengthDelimited();
        ++count;
    }

    SeriesState begin() const {
        return SeriesState{Extent{out_.labels.size(), 0, out_.points.size(), 0, {}, {}}};
    }

    void label(SeriesState& state, std::string_view name, std::string_view value) {
        if (value.empty()) {
            return;  // Prometheus: an empty value is the label's absence
        }
        if (name == "__name__") {
            if (!state.extent.metric_name.empty()) {
                duplicate(name);
            }
            state.extent.metric_name = value;
            return;
        }
        const std::size_t rank = serviceRank(name);
        if (rank != kNoService) {
            if (rank == state.service_rank) {
                duplicate(name);
            }
            if (rank < state.service_rank) {
                state.service_rank = rank;
                state.service_index = out_.labels.size();
            }
        }
        if (out_.labels.size() - state.extent.label_begin >
            options_.limits.max_labels_per_series) {  // one may still be the service's
            throw ApiError(400, "too_many_labels",
                           "a series has at most " +
                               std::to_string(options_.limits.max_labels_per_series) + " labels");
        }
        out_.labels.push_back(LabelView{name, value});
    }

    void sample(std::string_view bytes) {
        if (++out_.samples > options_.limits.max_samples_per_request) {
            throw ApiError(400, "too_many_samples",
                           "a request has at most " +
                               std::to_string(options_.limits.max_samples_per_request) +
                               " samples");
        }
        out_.points.push_back(readSample(bytes));
    }

    Extent finish(SeriesState& state) {
        Extent& extent = state.extent;
        if (state.service_index != kNoService) {
            extent.service_id = out_.labels[state.service_index].value;
            out_.labels.erase(out_.labels.begin() +
                              static_cast<std::ptrdiff_t>(state.service_index));
        } else {
            extent.service_id = options_.default_service;
        }
        extent.label_end = out_.labels.size();
        extent.point_end = out_.points.size();
        return extent;
    }

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

// Every TimeSeries of the request (WriteRequest.timeseries = 1; 2.0: Request.timeseries = 5).
// One instantiation per version, so that each keeps the reader's calls inlined (one loop calling
// both readers cost 14 % more per 1.0 sample, bench/micro_remote_write).
template <RemoteWriteVersion kVersion>
std::vector<Extent> readSeries(const RemoteWriteOptions& options, DecodedWriteRequest& out) {
    constexpr bool kV2 = kVersion == RemoteWriteVersion::V2;
    constexpr uint64_t kSeriesField = kV2 ? 5 : 1;
    std::vector<Extent> extents;
    SeriesReader series_reader(options, out);
    WireReader r(out.raw);
    while (!r.done()) {
        const Tag tag = r.tag();
        if (tag.field != kSeriesField) {
            r.skip(tag.type);  // 1.0: metadata (3); 2.0: symbols (4, read already); anything newer
            continue;
        }
        r.expect(tag, WireType::Length);
        if (extents.size() == options.limits.max_series_per_request) {
            throw ApiError(400, "too_many_series",
                           "a request has at most " +
                               std::to_string(options.limits.max_series_per_request) + " series");
        }
        if constexpr (kV2) {
            extents.push_back(series_reader.readV2(r.lengthDelimited(), out.symbols));
        } else {
            extents.push_back(series_reader.read(r.lengthDelimited()));
        }
    }
    return extents;
}

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
    clearBounded(symbols);
    samples = 0;
    histograms = 0;
    exemplars = 0;
}

RemoteWriteDecoder::RemoteWriteDecoder(RemoteWriteOptions options) : options_(std::move(options)) {}

void RemoteWriteDecoder::decodeSnappy(std::string_view body, DecodedWriteRequest& out,
                                      RemoteWriteVersion version) const {
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
    decodeRaw(out, version);
}

void RemoteWriteDecoder::decodeProtobuf(std::string_view protobuf, DecodedWriteRequest& out,
                                        RemoteWriteVersion version) const {
    out.clear();
    out.raw.assign(protobuf);
    decodeRaw(out, version);
}

// Remote write 2.0's symbol table (Request.symbols = 4). Read in a pass of its own: protobuf
// allows the fields in any order, and the series refer to it.
void RemoteWriteDecoder::readSymbols(DecodedWriteRequest& out) const {
    WireReader r(out.raw);
    while (!r.done()) {
        const Tag tag = r.tag();
        if (tag.field != 4) {
            r.skip(tag.type);
            continue;
        }
        r.expect(tag, WireType::Length);
        if (out.symbols.size() == options_.max_symbols) {
            throw ApiError(
                400, "too_many_symbols",
                "a request has at most " + std::to_string(options_.max_symbols) + " symbols");
        }
        out.symbols.push_back(r.lengthDelimited());
    }
}

void RemoteWriteDecoder::decodeRaw(DecodedWriteRequest& out, RemoteWriteVersion version) const {
    std::vector<Extent> extents;
    if (version == RemoteWriteVersion::V2) {
        readSymbols(out);
        extents = readSeries<RemoteWriteVersion::V2>(options_, out);
    } else {
        extents = readSeries<RemoteWriteVersion::V1>(options_, out);
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
