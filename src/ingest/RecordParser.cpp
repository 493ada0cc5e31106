#include "ingest/RecordParser.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include "common/ApiError.h"
#include "ingest/JsonValidation.h"
#include "ingest/Rfc3339.h"
#include "ingest/RowBinaryWriter.h"

namespace infrasage::ingest {
namespace ondemand = simdjson::ondemand;
using storage::TelemetryType;

namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::size_t kMaxEchoBytes = 64;

// Cuts user input echoed in messages to kMaxEchoBytes without splitting a UTF-8 sequence (the
// message is rendered as JSON, which must stay valid UTF-8).
std::string clip(std::string_view s) {
    if (s.size() <= kMaxEchoBytes) {
        return std::string(s);
    }
    std::size_t end = kMaxEchoBytes;
    while (end > 0 && (static_cast<uint8_t>(s[end]) & 0xC0) == 0x80) {
        --end;
    }
    return std::string(s.substr(0, end)) + "...";
}

bool hasControlCharacter(std::string_view s) {
    for (const char c : s) {
        if (static_cast<uint8_t>(c) < 0x20) {
            return true;
        }
    }
    return false;
}

enum class Field : uint8_t {
    ServiceId,
    Type,
    MetricName,
    Value,
    Body,
    TraceId,
    Timestamp,
    Attributes,
    Unknown
};

struct FieldName {
    std::string_view name;
    Field field;
};

constexpr FieldName kFieldNames[] = {
    {"service_id", Field::ServiceId},
    {"type", Field::Type},
    {"metric_name", Field::MetricName},
    {"value", Field::Value},
    {"body", Field::Body},
    {"trace_id", Field::TraceId},
    {"timestamp", Field::Timestamp},
    {"attributes", Field::Attributes},
};

Field fieldFromName(std::string_view name) {
    for (const auto& entry : kFieldNames) {
        if (entry.name == name) {
            return entry.field;
        }
    }
    return Field::Unknown;
}

// The raw key compare covers the usual unescaped spelling without copying the key; only other
// spellings ("service\u005fid", unknown names) pay for unescaping. The first two characters pick
// the one candidate (reading raw[1] is safe: the closing quote or padding follows).
Field fieldFromRawKey(const ondemand::raw_json_string& key) {
    const char* raw = key.raw();
    Field candidate = Field::Unknown;
    switch (raw[0]) {
        case 's':
            candidate = Field::ServiceId;
            break;
        case 'm':
            candidate = Field::MetricName;
            break;
        case 'v':
            candidate = Field::Value;
            break;
        case 'b':
            candidate = Field::Body;
            break;
        case 'a':
            candidate = Field::Attributes;
            break;
        case 't':
            candidate = raw[1] == 'y'   ? Field::Type
                        : raw[1] == 'r' ? Field::TraceId
                                        : Field::Timestamp;
            break;
        default:
            return Field::Unknown;
    }
    return key.unsafe_is_equal(kFieldNames[static_cast<std::size_t>(candidate)].name)
               ? candidate
               : Field::Unknown;
}

// What one record said, as views into the parser's string buffer (valid until the next body).
struct RecordFields {
    std::string_view service_id;
    TelemetryType type = TelemetryType::Metric;
    std::string_view metric_name;
    std::optional<double> value;
    std::string_view body;
    std::string_view trace_id;
    std::optional<int64_t> timestamp_nanos;
    std::vector<std::pair<std::string_view, std::string_view>> attributes;

    void reset() {
        service_id = {};
        type = TelemetryType::Metric;
        metric_name = {};
        value.reset();
        body = {};
        trace_id = {};
        timestamp_nanos.reset();
        attributes.clear();
    }
};

// The first thing wrong with a record. Only failures allocate (the message).
struct Problem {
    std::string_view code;
    std::string message;
    explicit operator bool() const { return !code.empty(); }
};

enum class ReadOutcome : uint8_t { Value, Null, WrongType };

}  // namespace

class RecordParser::Impl {
  public:
    explicit Impl(const IngestLimits& limits) : limits_(limits) {
        fields_.attributes.reserve(limits_.max_attributes);
    }

    void parse(std::string_view body, std::string_view tenant_id, bool batch, int64_t now_nanos,
               ParseResult& out) {
        beginCall(tenant_id, now_nanos);
        ondemand::document doc = iterate(body);
        if (batch) {
            parseBatchDocument(doc, out);
        } else {
            parseSingleDocument(doc, out);
        }
    }

  private:
    void beginCall(std::string_view tenant_id, int64_t now_nanos) {
        tenant_id_ = tenant_id;
        const int64_t max_nanos = int64_t{std::numeric_limits<uint32_t>::max()} * kNanosPerSecond;
        now_nanos_ = std::clamp<int64_t>(now_nanos, 0, max_nanos);
        received_at_ = static_cast<uint32_t>(now_nanos_ / kNanosPerSecond);
        max_age_nanos_ = static_cast<int64_t>(limits_.max_age.count()) * kNanosPerSecond;
        max_future_nanos_ = static_cast<int64_t>(limits_.max_future.count()) * kNanosPerSecond;
    }

    // simdjson reads up to SIMDJSON_PADDING bytes past the text; the body is copied into a buffer
    // reused across calls, with zeroed padding.
    ondemand::document iterate(std::string_view body) {
        const std::size_t needed = body.size() + simdjson::SIMDJSON_PADDING;
        if (buffer_capacity_ < needed) {
            buffer_capacity_ = std::max(needed, buffer_capacity_ * 2);
            buffer_ = std::make_unique<char[]>(buffer_capacity_);
        }
        if (!body.empty()) {
            std::memcpy(buffer_.get(), body.data(), body.size());
        }
        std::memset(buffer_.get() + body.size(), 0, simdjson::SIMDJSON_PADDING);
        text_ = std::string_view(buffer_.get(), body.size());

        ondemand::document doc;
        if (auto error = parser_.iterate(buffer_.get(), body.size(), buffer_capacity_).get(doc)) {
            throwJsonError(error);
        }
        return doc;
    }

    ondemand::json_type rootType(ondemand::document& doc) {
        ondemand::json_type type;
        if (auto error = doc.type().get(type)) {
            throwJsonError(error);
        }
        return type;
    }

    void parseSingleDocument(ondemand::document& doc, ParseResult& out) {
        if (rootType(doc) != ondemand::json_type::object) {
            validateDocument(doc, text_);
            throw ApiError(400, "invalid_record", "request body must be a JSON object");
        }
        ondemand::object object;
        if (auto error = doc.get_object().get(object)) {
            throwJsonError(error);
        }
        const bool ok = parseRecord(object, 1);
        checkNoTrailingContent(doc);
        if (!ok) {
            throw ApiError(400, std::string(problem_.code), problem_.message);
        }
        encode(out.encoded);
        out.accepted = 1;
    }

    void parseBatchDocument(ondemand::document& doc, ParseResult& out) {
        if (rootType(doc) != ondemand::json_type::array) {
            validateDocument(doc, text_);
            throw ApiError(400, "invalid_batch", "batch body must be a JSON array of records");
        }
        ondemand::array array;
        if (auto error = doc.get_array().get(array)) {
            throwJsonError(error);
        }
        std::size_t index = 0;
        for (auto element_result : array) {
            ondemand::value element;
            if (auto error = element_result.get(element)) {
                throwJsonError(error);
            }
            if (index == limits_.max_batch_records) {
                throw ApiError(
                    413, "too_many_records",
                    fmt::format("a batch holds at most {} records", limits_.max_batch_records));
            }
            parseBatchElement(element, index, out);
            ++index;
        }
        checkNoTrailingContent(doc);
        if (index == 0) {
            throw ApiError(400, "empty_batch", "batch holds no records");
        }
    }

    void parseBatchElement(ondemand::value& element, std::size_t index, ParseResult& out) {
        ondemand::json_type type;
        if (auto error = element.type().get(type)) {
            throwJsonError(error);
        }
        if (type != ondemand::json_type::object) {
            validateValue(element, 2);
            out.failures.push_back({index, "invalid_record", "record must be a JSON object"});
            return;
        }
        ondemand::object object;
        if (auto error = element.get_object().get(object)) {
            throwJsonError(error);
        }
        if (parseRecord(object, 2)) {
            encode(out.encoded);
            ++out.accepted;
        } else {
            out.failures.push_back(
                {index, std::string(problem_.code), std::move(problem_.message)});
        }
    }

    // Reads every field (validating the JSON of all of them, even after the first problem) and
    // leaves the record's first problem in problem_. `depth` is the object's nesting depth.
    bool parseRecord(ondemand::object& object, std::size_t depth) {
        fields_.reset();
        problem_.code = {};
        problem_.message.clear();
        uint32_t seen = 0;
        for (auto field_result : object) {
            ondemand::field field;
            if (auto error = std::move(field_result).get(field)) {
                throwJsonError(error);
            }
            Field id = fieldFromRawKey(field.key());
            std::string_view unknown_name;
            if (id == Field::Unknown) {
                if (auto error = field.unescaped_key().get(unknown_name)) {
                    throwJsonError(error);
                }
                id = fieldFromName(unknown_name);
            }
            ondemand::value& value = field.value();
            if (problem_) {
                validateValue(value, depth + 1);
                continue;
            }
            if (id == Field::Unknown) {
                fail("unknown_field", fmt::format("unknown field '{}'", clip(unknown_name)));
                validateValue(value, depth + 1);
                continue;
            }
            const uint32_t bit = 1u << static_cast<uint32_t>(id);
            if ((seen & bit) != 0) {
                fail("duplicate_field",
                     fmt::format("field '{}' appears more than once",
                                 kFieldNames[static_cast<std::size_t>(id)].name));
                validateValue(value, depth + 1);
                continue;
            }
            seen |= bit;
            readField(id, value, depth + 1);
        }
        if (!problem_) {
            checkRequiredFields();
        }
        if (!problem_) {
            resolveTimestamp();
        }
        return !problem_;
    }

    void readField(Field id, ondemand::value& value, std::size_t depth) {
        switch (id) {
            case Field::ServiceId:
                readIdentifier(value, depth, "service_id", limits_.max_service_id_bytes,
                               fields_.service_id);
                return;
            case Field::MetricName:
                readIdentifier(value, depth, "metric_name", limits_.max_metric_name_bytes,
                               fields_.metric_name);
                return;
            case Field::Body:
                readBoundedString(value, depth, "body", limits_.max_body_bytes, fields_.body);
                return;
            case Field::TraceId:
                readBoundedString(value, depth, "trace_id", limits_.max_trace_id_bytes,
                                  fields_.trace_id);
                return;
            case Field::Type:
                readType(value, depth);
                return;
            case Field::Value:
                readValue(value, depth);
                return;
            case Field::Timestamp:
                readTimestamp(value, depth);
                return;
            case Field::Attributes:
                readAttributes(value, depth);
                return;
            case Field::Unknown:
                return;
        }
    }

    // Strings are the common case; anything else is validated (so syntax errors still reject the
    // body) and reported as Null or WrongType.
    ReadOutcome readString(ondemand::value& value, std::size_t depth, std::string_view& out) {
        ondemand::json_type type;
        if (auto error = value.type().get(type)) {
            throwJsonError(error);
        }
        if (type == ondemand::json_type::string) {
            if (auto error = value.get_string().get(out)) {
                throwJsonError(error);
            }
            return ReadOutcome::Value;
        }
        validateValue(value, depth);
        return type == ondemand::json_type::null ? ReadOutcome::Null : ReadOutcome::WrongType;
    }

    // An optional string field: null means absent.
    bool readOptionalString(ondemand::value& value, std::size_t depth, std::string_view name,
                            std::string_view& out) {
        switch (readString(value, depth, out)) {
            case ReadOutcome::Value:
                return true;
            case ReadOutcome::Null:
                out = {};
                return false;
            case ReadOutcome::WrongType:
                fail("invalid_field_type", fmt::format("field '{}' must be a string", name));
                return false;
        }
        return false;
    }

    void readBoundedString(ondemand::value& value, std::size_t depth, std::string_view name,
                           std::size_t max_bytes, std::string_view& out) {
        if (readOptionalString(value, depth, name, out) && out.size() > max_bytes) {
            fail("field_too_long",
                 fmt::format("field '{}' is longer than {} bytes", name, max_bytes));
        }
    }

    // service_id and metric_name end up in keys and dashboards: no control characters.
    void readIdentifier(ondemand::value& value, std::size_t depth, std::string_view name,
                        std::size_t max_bytes, std::string_view& out) {
        readBoundedString(value, depth, name, max_bytes, out);
        if (!problem_ && hasControlCharacter(out)) {
            fail("invalid_field_value",
                 fmt::format("field '{}' must not contain control characters", name));
        }
    }

    void readType(ondemand::value& value, std::size_t depth) {
        std::string_view name;
        if (!readOptionalString(value, depth, "type", name)) {
            return;  // null keeps the default (metric); a wrong type already failed
        }
        const auto type = storage::parseTelemetryType(name);
        if (!type) {
            fail("invalid_type",
                 fmt::format("unknown type '{}' (expected metric, log, trace, event, profile or "
                             "slo)",
                             clip(name)));
            return;
        }
        fields_.type = *type;
    }

    void readValue(ondemand::value& value, std::size_t depth) {
        ondemand::json_type type;
        if (auto error = value.type().get(type)) {
            throwJsonError(error);
        }
        if (type != ondemand::json_type::number) {
            validateValue(value, depth);
            if (type != ondemand::json_type::null) {
                fail("invalid_value", "field 'value' must be a finite number");
            }
            return;
        }
        double number = 0;
        if (value.get_double().get(number) != simdjson::SUCCESS) {
            // simdjson refuses numbers outside double's range; those are valid JSON, so tell
            // them apart from malformed numbers by grammar. The iterator skips the token.
            if (!isJsonNumberToken(value.raw_json_token())) {
                throwInvalidJson("malformed number");
            }
            fail("invalid_value", "field 'value' is out of range for a 64-bit float");
            return;
        }
        if (!std::isfinite(number)) {
            fail("invalid_value", "field 'value' must be a finite number");
            return;
        }
        fields_.value = number;
    }

    void readTimestamp(ondemand::value& value, std::size_t depth) {
        std::string_view text;
        if (!readOptionalString(value, depth, "timestamp", text)) {
            return;
        }
        fields_.timestamp_nanos = parseRfc3339Nanos(text);
        if (!fields_.timestamp_nanos) {
            fail("invalid_timestamp",
                 fmt::format("timestamp '{}' is not an RFC 3339 time between 1970 and 2106",
                             clip(text)));
        }
    }

    void readAttributes(ondemand::value& value, std::size_t depth) {
        ondemand::json_type type;
        if (auto error = value.type().get(type)) {
            throwJsonError(error);
        }
        if (type != ondemand::json_type::object) {
            validateValue(value, depth);
            if (type != ondemand::json_type::null) {
                fail("invalid_field_type", "field 'attributes' must be an object of strings");
            }
            return;
        }
        if (depth > kMaxJsonDepth) {
            throwInvalidJson("nesting too deep");
        }
        ondemand::object object;
        if (auto error = value.get_object().get(object)) {
            throwJsonError(error);
        }
        for (auto field_result : object) {
            ondemand::field field;
            if (auto error = std::move(field_result).get(field)) {
                throwJsonError(error);
            }
            std::string_view key;
            if (auto error = field.unescaped_key().get(key)) {
                throwJsonError(error);
            }
            if (problem_) {
                validateValue(field.value(), depth + 1);
                continue;
            }
            readAttribute(key, field.value(), depth + 1);
        }
    }

    void readAttribute(std::string_view key, ondemand::value& value, std::size_t depth) {
        std::string_view text;
        const ReadOutcome outcome = readString(value, depth, text);
        if (fields_.attributes.size() == limits_.max_attributes) {
            fail("too_many_attributes",
                 fmt::format("a record has at most {} attributes", limits_.max_attributes));
        } else if (outcome != ReadOutcome::Value) {
            fail("invalid_field_type",
                 fmt::format("attribute '{}' must have a string value", clip(key)));
        } else if (key.empty()) {
            fail("invalid_field_value", "attribute keys must not be empty");
        } else if (key.size() > limits_.max_attribute_key_bytes) {
            fail("attribute_too_long", fmt::format("attribute key '{}' is longer than {} bytes",
                                                   clip(key), limits_.max_attribute_key_bytes));
        } else if (text.size() > limits_.max_attribute_value_bytes) {
            fail("attribute_too_long",
                 fmt::format("value of attribute '{}' is longer than {} bytes", clip(key),
                             limits_.max_attribute_value_bytes));
        } else if (hasAttribute(key)) {
            fail("duplicate_field",
                 fmt::format("attribute '{}' appears more than once", clip(key)));
        } else {
            fields_.attributes.emplace_back(key, text);
        }
    }

    bool hasAttribute(std::string_view key) const {
        for (const auto& [existing, unused] : fields_.attributes) {
            if (existing == key) {
                return true;
            }
        }
        return false;
    }

    void checkRequiredFields() {
        if (fields_.service_id.empty()) {
            fail("missing_service_id", "field 'service_id' is required and must not be empty");
            return;
        }
        const auto& spec = storage::tableSpec(fields_.type);
        if (spec.has_metric && fields_.metric_name.empty()) {
            fail(
                "missing_metric_name",
                fmt::format("records of type '{}' need a non-empty 'metric_name'", spec.type_name));
        } else if (spec.has_metric && !fields_.value) {
            fail("missing_value",
                 fmt::format("records of type '{}' need a numeric 'value'", spec.type_name));
        } else if (spec.has_body && fields_.body.empty()) {
            fail("missing_body",
                 fmt::format("records of type '{}' need a non-empty 'body'", spec.type_name));
        }
    }

    void resolveTimestamp() {
        if (!fields_.timestamp_nanos) {
            fields_.timestamp_nanos = now_nanos_;
            return;
        }
        const int64_t timestamp = *fields_.timestamp_nanos;
        if (now_nanos_ - timestamp > max_age_nanos_) {
            fail("timestamp_too_old",
                 fmt::format("timestamp is more than {} s in the past", limits_.max_age.count()));
        } else if (timestamp - now_nanos_ > max_future_nanos_) {
            fail("timestamp_in_future", fmt::format("timestamp is more than {} s in the future",
                                                    limits_.max_future.count()));
        }
    }

    void fail(std::string_view code, std::string message) {
        problem_.code = code;
        problem_.message = std::move(message);
    }

    // Appends the record as one RowBinary row, in storage/TelemetryTables.h column order.
    void encode(EncodedRows& encoded) const {
        const auto& spec = storage::tableSpec(fields_.type);
        std::size_t size = RowBinaryWriter::stringSize(tenant_id_) +
                           RowBinaryWriter::stringSize(fields_.service_id) + 4 + 4 +
                           RowBinaryWriter::stringSize(fields_.trace_id) + 4;
        if (spec.has_metric) {
            size += RowBinaryWriter::stringSize(fields_.metric_name) + 8;
        }
        if (spec.has_body) {
            size += RowBinaryWriter::stringSize(fields_.body);
        }
        size += 2 * RowBinaryWriter::varUIntSize(fields_.attributes.size());
        for (const auto& [key, text] : fields_.attributes) {
            size += RowBinaryWriter::stringSize(key) + RowBinaryWriter::stringSize(text);
        }

        const auto table = static_cast<std::size_t>(fields_.type);
        std::string& rows = encoded.rows[table];
        const std::size_t offset = rows.size();
        rows.resize(offset + size);
        RowBinaryWriter writer(rows.data() + offset);

        const int64_t timestamp = *fields_.timestamp_nanos;
        writer.writeString(tenant_id_);
        writer.writeString(fields_.service_id);
        writer.writeUInt32(static_cast<uint32_t>(timestamp / kNanosPerSecond));
        writer.writeUInt32(static_cast<uint32_t>(timestamp % kNanosPerSecond));
        if (spec.has_metric) {
            writer.writeString(fields_.metric_name);
            writer.writeFloat64(*fields_.value);
        }
        if (spec.has_body) {
            writer.writeString(fields_.body);
        }
        writer.writeString(fields_.trace_id);
        writer.writeVarUInt(fields_.attributes.size());
        for (const auto& attribute : fields_.attributes) {
            writer.writeString(attribute.first);
        }
        writer.writeVarUInt(fields_.attributes.size());
        for (const auto& attribute : fields_.attributes) {
            writer.writeString(attribute.second);
        }
        writer.writeUInt32(received_at_);
        ++encoded.counts[table];
    }

    const IngestLimits& limits_;
    ondemand::parser parser_;
    std::unique_ptr<char[]> buffer_;
    std::size_t buffer_capacity_ = 0;
    std::string_view text_;

    std::string_view tenant_id_;
    int64_t now_nanos_ = 0;
    uint32_t received_at_ = 0;
    int64_t max_age_nanos_ = 0;
    int64_t max_future_nanos_ = 0;

    RecordFields fields_;
    Problem problem_;
};

RecordParser::RecordParser(IngestLimits limits, const Clock& clock)
    : limits_(limits), clock_(clock), impl_(std::make_unique<Impl>(limits_)) {}

RecordParser::~RecordParser() = default;

ParseResult RecordParser::parseSingle(std::string_view body, std::string_view tenant_id) {
    ParseResult result;
    parseSingle(body, tenant_id, result);
    return result;
}

ParseResult RecordParser::parseBatch(std::string_view body, std::string_view tenant_id) {
    ParseResult result;
    parseBatch(body, tenant_id, result);
    return result;
}

void RecordParser::parseSingle(std::string_view body, std::string_view tenant_id,
                               ParseResult& out) {
    out.clear();
    try {
        impl_->parse(body, tenant_id, false, clock_.nowNanos(), out);
    } catch (...) {
        out.clear();
        throw;
    }
}

void RecordParser::parseBatch(std::string_view body, std::string_view tenant_id, ParseResult& out) {
    out.clear();
    try {
        impl_->parse(body, tenant_id, true, clock_.nowNanos(), out);
    } catch (...) {
        out.clear();
        throw;
    }
}

}  // namespace infrasage::ingest
