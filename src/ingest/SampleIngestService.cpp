#include "ingest/SampleIngestService.h"

#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/ApiError.h"
#include "ingest/IngestAdmission.h"
#include "storage/SampleTables.h"

namespace infrasage::ingest {

namespace {

constexpr int64_t kMillisPerSecond = 1000;
constexpr int64_t kNanosPerMilli = 1000000;
constexpr std::size_t kMessageClip = 64;

std::size_t varUIntSize(uint64_t value) {
    std::size_t size = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++size;
    }
    return size;
}

std::size_t stringSize(std::string_view s) {
    return varUIntSize(s.size()) + s.size();
}

// Appends ClickHouse RowBinary values (and the fingerprint's canonical encoding) to a string.
class Encoder {
  public:
    explicit Encoder(std::string& out) : out_(out) {}

    void varUInt(uint64_t value) {
        while (value >= 0x80) {
            out_.push_back(static_cast<char>(static_cast<uint8_t>(value) | 0x80));
            value >>= 7;
        }
        out_.push_back(static_cast<char>(value));
    }
    void string(std::string_view s) {
        varUInt(s.size());
        out_.append(s);
    }
    void littleEndian(uint64_t value, std::size_t bytes) {
        for (std::size_t i = 0; i < bytes; ++i) {
            out_.push_back(static_cast<char>(static_cast<uint8_t>(value >> (8 * i))));
        }
    }

  private:
    std::string& out_;
};

std::string clip(std::string_view s) {
    return std::string(s.substr(0, kMessageClip));
}

bool hasControlCharacter(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

bool validUtf8(std::string_view s) {
    return simdjson::validate_utf8(s.data(), s.size());
}

struct Problem {
    std::string code;
    std::string message;
};

std::optional<Problem> checkName(std::string_view what, std::string_view name,
                                 std::size_t max_bytes, const char* empty_code) {
    if (name.empty()) {
        return Problem{empty_code, std::string(what) + " must not be empty"};
    }
    if (name.size() > max_bytes) {
        return Problem{"field_too_long", std::string(what) + " '" + clip(name) +
                                             "' is longer than " + std::to_string(max_bytes) +
                                             " bytes"};
    }
    if (!validUtf8(name)) {
        return Problem{"invalid_utf8", std::string(what) + " is not valid UTF-8"};
    }
    if (hasControlCharacter(name)) {
        return Problem{"invalid_name",
                       std::string(what) + " '" + clip(name) + "' contains control characters"};
    }
    return std::nullopt;
}

std::optional<Problem> checkLabels(std::span<const LabelView> sorted, const SampleLimits& limits) {
    if (sorted.size() > limits.max_labels_per_series) {
        return Problem{
            "too_many_labels",
            "a series has at most " + std::to_string(limits.max_labels_per_series) + " labels"};
    }
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const auto& label = sorted[i];
        if (auto p = checkName("label name", label.name, limits.base.max_attribute_key_bytes,
                               "invalid_label_name")) {
            return p;
        }
        if (label.value.size() > limits.base.max_attribute_value_bytes) {
            return Problem{"field_too_long",
                           "value of label '" + clip(label.name) + "' is longer than " +
                               std::to_string(limits.base.max_attribute_value_bytes) + " bytes"};
        }
        if (!validUtf8(label.value)) {
            return Problem{"invalid_utf8",
                           "value of label '" + clip(label.name) + "' is not valid UTF-8"};
        }
        if (i > 0 && sorted[i - 1].name == label.name) {
            return Problem{"duplicate_label_name",
                           "label '" + clip(label.name) + "' appears more than once"};
        }
        bytes += label.name.size() + label.value.size();
    }
    if (bytes > limits.max_label_bytes_per_series) {
        return Problem{"labels_too_large", "the labels of a series exceed " +
                                               std::to_string(limits.max_label_bytes_per_series) +
                                               " bytes"};
    }
    return std::nullopt;
}

void sortLabels(std::span<const LabelView> labels, std::vector<LabelView>& out) {
    out.assign(labels.begin(), labels.end());
    auto by_name = [](const LabelView& a, const LabelView& b) { return a.name < b.name; };
    if (!std::is_sorted(out.begin(), out.end(), by_name)) {  // Prometheus sends them sorted
        std::sort(out.begin(), out.end(), by_name);
    }
}

uint64_t fingerprintSorted(std::string_view service_id, std::string_view metric_name,
                           std::span<const LabelView> sorted, std::string& scratch) {
    scratch.clear();
    Encoder encoder(scratch);
    encoder.string(service_id);
    encoder.string(metric_name);
    encoder.varUInt(sorted.size());
    for (const auto& label : sorted) {
        encoder.string(label.name);
        encoder.string(label.value);
    }
    return XXH3_64bits(scratch.data(), scratch.size());
}

// Series this process has written, per tenant: two generations of at most capacity/2 keys each;
// a hit in the older one is carried into the newer, so series still sending stay cached.
class SeriesCache {
  public:
    explicit SeriesCache(std::size_t capacity) : half_(std::max<std::size_t>(capacity / 2, 1)) {}

    // Which of `fingerprints` have not been written yet (each at most once).
    std::vector<std::size_t> unwritten(std::string_view tenant_id,
                                       std::span<const uint64_t> fingerprints,
                                       std::span<const uint32_t> accepted) {
        std::vector<std::size_t> result;
        std::unordered_set<uint64_t> seen;
        std::lock_guard lock(mutex_);
        const uint32_t tenant = tenantIndex(tenant_id);
        for (std::size_t i = 0; i < fingerprints.size(); ++i) {
            if (accepted[i] == 0 || containsLocked(Key{tenant, fingerprints[i]})) {
                continue;
            }
            if (seen.insert(fingerprints[i]).second) {
                result.push_back(i);
            }
        }
        return result;
    }

    void remember(std::string_view tenant_id, std::span<const uint64_t> fingerprints) {
        std::lock_guard lock(mutex_);
        const uint32_t tenant = tenantIndex(tenant_id);
        for (auto fingerprint : fingerprints) {
            insertLocked(Key{tenant, fingerprint});
        }
    }

  private:
    struct Key {
        uint32_t tenant;
        uint64_t fingerprint;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const {
            return static_cast<std::size_t>(k.fingerprint ^
                                            (uint64_t{k.tenant} * 0x9e3779b97f4a7c15ULL));
        }
    };

    uint32_t tenantIndex(std::string_view tenant_id) {
        auto it = tenants_.find(std::string(tenant_id));
        if (it != tenants_.end()) {
            return it->second;
        }
        auto index = static_cast<uint32_t>(tenants_.size());
        tenants_.emplace(std::string(tenant_id), index);
        return index;
    }

    bool containsLocked(const Key& key) {
        if (current_.contains(key)) {
            return true;
        }
        if (previous_.contains(key)) {
            insertLocked(key);
            return true;
        }
        return false;
    }

    void insertLocked(const Key& key) {
        if (current_.size() >= half_) {
            previous_ = std::move(current_);
            current_ = {};
        }
        current_.insert(key);
    }

    std::size_t half_;
    std::mutex mutex_;
    std::unordered_map<std::string, uint32_t> tenants_;
    std::unordered_set<Key, KeyHash> current_;
    std::unordered_set<Key, KeyHash> previous_;
};

// Why a sample is not stored, or nothing when it is.
enum class SampleVerdict { Accept, Stale, NonFinite, TooOld, InFuture };

constexpr std::array<std::string_view, 5> kVerdictCodes{"", "stale_marker", "non_finite_value",
                                                        "timestamp_too_old", "timestamp_in_future"};

// Collects the per-reason counts of one request.
class Rejections {
  public:
    void add(std::string_view code, uint64_t samples, const std::string& message) {
        if (samples == 0) {
            return;
        }
        if (outcome_.first_error.empty()) {
            outcome_.first_error = message;
        }
        outcome_.rejected_samples += samples;
        for (auto& r : outcome_.rejections) {
            if (r.reason == code) {
                r.samples += samples;
                return;
            }
        }
        outcome_.rejections.push_back(SampleRejection{std::string(code), samples});
    }

    SampleIngestOutcome& outcome() { return outcome_; }

  private:
    SampleIngestOutcome outcome_;
};

std::string verdictMessage(SampleVerdict verdict, const SampleLimits& limits) {
    switch (verdict) {
        case SampleVerdict::Stale:
            return "staleness markers are not stored";
        case SampleVerdict::NonFinite:
            return "NaN and infinite values are not stored";
        case SampleVerdict::TooOld:
            return "timestamp is more than " + std::to_string(limits.base.max_age.count()) +
                   " s in the past";
        case SampleVerdict::InFuture:
            return "timestamp is more than " + std::to_string(limits.base.max_future.count()) +
                   " s in the future";
        case SampleVerdict::Accept:
            break;
    }
    return {};
}

}  // namespace

uint64_t seriesFingerprint(std::string_view service_id, std::string_view metric_name,
                           std::span<const LabelView> labels) {
    std::vector<LabelView> sorted;
    sortLabels(labels, sorted);
    std::string scratch;
    return fingerprintSorted(service_id, metric_name, sorted, scratch);
}

class SampleIngestService::Impl {
  public:
    Impl(wal::WriteAheadLog& wal, const SampleLimits& limits, const Clock& clock,
         observability::Metrics& metrics, unsigned max_inflight, std::size_t cache_capacity)
        : wal_(wal),
          limits_(limits),
          clock_(clock),
          metrics_(metrics),
          gate_(max_inflight),
          cache_(cache_capacity) {}

    SampleIngestOutcome ingest(std::string_view tenant_id, std::span<const SeriesSamples> batch,
                               InvalidSeries policy) {
        InflightGate::Slot slot(gate_);
        checkRequestSize(batch);
        Request request{tenant_id, batch, policy, clock_.nowNanos() / kNanosPerMilli,
                        {},        {},    {},     {}};
        identify(request);
        judgeSamples(request);
        persist(request);
        return std::move(request.rejections.outcome());
    }

  private:
    struct Request {
        std::string_view tenant_id;
        std::span<const SeriesSamples> batch;
        InvalidSeries policy;
        int64_t now_ms;  // one reading: judging twice (count, then encode) must agree
        std::vector<uint64_t> fingerprints;
        std::vector<bool> valid;         // identity valid
        std::vector<uint32_t> accepted;  // accepted samples per series
        Rejections rejections;
    };

    void checkRequestSize(std::span<const SeriesSamples> batch) {
        std::size_t samples = 0;
        for (const auto& series : batch) {
            samples += series.points.size();
        }
        if (batch.size() > limits_.max_series_per_request) {
            refuse("too_many_series",
                   "a request has at most " + std::to_string(limits_.max_series_per_request) +
                       " series",
                   samples);
        }
        if (samples > limits_.max_samples_per_request) {
            refuse("too_many_samples",
                   "a request has at most " + std::to_string(limits_.max_samples_per_request) +
                       " samples",
                   samples);
        }
    }

    [[noreturn]] void refuse(const std::string& code, const std::string& message,
                             std::size_t samples) {
        metrics_.addRecordsRejected(code, static_cast<double>(samples));
        throw ApiError(400, code, message);
    }

    std::optional<Problem> checkIdentity(const SeriesSamples& series,
                                         std::span<const LabelView> sorted) const {
        if (auto p = checkName("service_id", series.service_id, limits_.base.max_service_id_bytes,
                               "missing_service_id")) {
            return p;
        }
        if (auto p = checkName("metric_name", series.metric_name,
                               limits_.base.max_metric_name_bytes, "missing_metric_name")) {
            return p;
        }
        return checkLabels(sorted, limits_);
    }

    // Validates every series' identity and fingerprints the valid ones.
    void identify(Request& request) {
        std::vector<LabelView> sorted;
        std::string scratch;
        request.fingerprints.assign(request.batch.size(), 0);
        request.valid.assign(request.batch.size(), false);
        for (std::size_t i = 0; i < request.batch.size(); ++i) {
            const auto& series = request.batch[i];
            sortLabels(series.labels, sorted);
            if (auto problem = checkIdentity(series, sorted)) {
                if (request.policy == InvalidSeries::RejectRequest) {
                    std::size_t samples = 0;
                    for (const auto& s : request.batch) {
                        samples += s.points.size();
                    }
                    refuse(problem->code, "series " + std::to_string(i) + ": " + problem->message,
                           samples);
                }
                request.rejections.add(problem->code, series.points.size(), problem->message);
                continue;
            }
            request.valid[i] = true;
            request.fingerprints[i] =
                fingerprintSorted(series.service_id, series.metric_name, sorted, scratch);
        }
    }

    SampleVerdict judge(const SamplePoint& point, int64_t now_ms) const {
        if (std::bit_cast<uint64_t>(point.value) == kStaleMarkerBits) {
            return SampleVerdict::Stale;
        }
        if (!std::isfinite(point.value)) {
            return SampleVerdict::NonFinite;
        }
        const int64_t max_age_ms = limits_.base.max_age.count() * kMillisPerSecond;
        const int64_t max_future_ms = limits_.base.max_future.count() * kMillisPerSecond;
        // Compared as differences that cannot overflow for any int64 timestamp.
        if (point.timestamp_ms < now_ms && now_ms - max_age_ms > point.timestamp_ms) {
            return SampleVerdict::TooOld;
        }
        if (point.timestamp_ms > now_ms && point.timestamp_ms - now_ms > max_future_ms) {
            return SampleVerdict::InFuture;
        }
        return SampleVerdict::Accept;
    }

    void judgeSamples(Request& request) {
        const int64_t now_ms = request.now_ms;
        request.accepted.assign(request.batch.size(), 0);
        std::array<uint64_t, kVerdictCodes.size()> counts{};
        for (std::size_t i = 0; i < request.batch.size(); ++i) {
            if (!request.valid[i]) {
                continue;
            }
            for (const auto& point : request.batch[i].points) {
                auto verdict = judge(point, now_ms);
                ++counts[static_cast<std::size_t>(verdict)];
                if (verdict == SampleVerdict::Accept) {
                    ++request.accepted[i];
                }
            }
        }
        auto& outcome = request.rejections.outcome();
        outcome.stale_markers = counts[static_cast<std::size_t>(SampleVerdict::Stale)];
        for (std::size_t v = 1; v < counts.size(); ++v) {
            request.rejections.add(kVerdictCodes[v], counts[v],
                                   verdictMessage(static_cast<SampleVerdict>(v), limits_));
        }
    }

    std::string encodeSeries(const Request& request, std::span<const std::size_t> fresh) const {
        const auto first_seen = static_cast<uint64_t>(request.now_ms / kMillisPerSecond);
        std::string out;
        Encoder encoder(out);
        std::vector<LabelView> sorted;
        for (auto i : fresh) {
            const auto& series = request.batch[i];
            sortLabels(series.labels, sorted);
            encoder.string(request.tenant_id);
            encoder.littleEndian(request.fingerprints[i], 8);
            encoder.string(series.service_id);
            encoder.string(series.metric_name);
            encoder.varUInt(sorted.size());
            for (const auto& label : sorted) {
                encoder.string(label.name);
            }
            encoder.varUInt(sorted.size());
            for (const auto& label : sorted) {
                encoder.string(label.value);
            }
            encoder.littleEndian(first_seen, 4);
        }
        return out;
    }

    // Judges again rather than keeping a verdict per sample: a few comparisons per sample cost
    // less than writing and reading a verdict array.
    std::string encodeSamples(const Request& request, uint64_t accepted) const {
        const int64_t now_ms = request.now_ms;
        std::string out;
        out.reserve(static_cast<std::size_t>(accepted) * (stringSize(request.tenant_id) + 22));
        Encoder encoder(out);
        for (std::size_t i = 0; i < request.batch.size(); ++i) {
            if (request.accepted[i] == 0) {
                continue;
            }
            for (const auto& point : request.batch[i].points) {
                if (judge(point, now_ms) != SampleVerdict::Accept) {
                    continue;
                }
                // Accepted timestamps lie within a day of now: positive and within DateTime.
                const int64_t seconds = point.timestamp_ms / kMillisPerSecond;
                const int64_t millis = point.timestamp_ms % kMillisPerSecond;
                encoder.string(request.tenant_id);
                encoder.littleEndian(request.fingerprints[i], 8);
                encoder.littleEndian(static_cast<uint64_t>(seconds), 4);
                encoder.littleEndian(static_cast<uint64_t>(millis), 2);
                encoder.littleEndian(std::bit_cast<uint64_t>(point.value), 8);
            }
        }
        return out;
    }

    void persist(Request& request) {
        auto& outcome = request.rejections.outcome();
        for (auto count : request.accepted) {
            outcome.accepted_samples += count;
            outcome.accepted_series += count > 0 ? 1 : 0;
        }
        if (outcome.accepted_samples == 0) {
            countRejections(outcome);
            return;
        }
        const std::vector<std::size_t> fresh =
            cache_.unwritten(request.tenant_id, request.fingerprints, request.accepted);
        std::vector<wal::WalFrame> frames;
        if (!fresh.empty()) {
            frames.push_back(wal::WalFrame{storage::kSeriesStream,
                                           static_cast<uint32_t>(fresh.size()),
                                           encodeSeries(request, fresh)});
        }
        frames.push_back(wal::WalFrame{storage::kSamplesStream,
                                       static_cast<uint32_t>(outcome.accepted_samples),
                                       encodeSamples(request, outcome.accepted_samples)});
        appendDurably(wal_, frames, metrics_, static_cast<double>(outcome.accepted_samples));
        std::vector<uint64_t> written;
        written.reserve(fresh.size());
        for (auto i : fresh) {
            written.push_back(request.fingerprints[i]);
        }
        cache_.remember(request.tenant_id, written);
        outcome.new_series = fresh.size();
        metrics_.addRecordsAccepted("sample", static_cast<double>(outcome.accepted_samples));
        countRejections(outcome);
    }

    void countRejections(const SampleIngestOutcome& outcome) {
        for (const auto& r : outcome.rejections) {
            metrics_.addRecordsRejected(r.reason, static_cast<double>(r.samples));
        }
    }

    wal::WriteAheadLog& wal_;
    const SampleLimits& limits_;
    const Clock& clock_;
    observability::Metrics& metrics_;
    InflightGate gate_;
    SeriesCache cache_;
};

SampleIngestService::SampleIngestService(wal::WriteAheadLog& wal, SampleLimits limits,
                                         const Clock& clock, observability::Metrics& metrics,
                                         unsigned max_inflight, std::size_t series_cache_capacity)
    : limits_(limits) {
    impl_ =
        std::make_unique<Impl>(wal, limits_, clock, metrics, max_inflight, series_cache_capacity);
}

SampleIngestService::~SampleIngestService() = default;

SampleIngestOutcome SampleIngestService::ingest(std::string_view tenant_id,
                                                std::span<const SeriesSamples> batch,
                                                InvalidSeries invalid_series) {
    return impl_->ingest(tenant_id, batch, invalid_series);
}

}  // namespace infrasage::ingest
