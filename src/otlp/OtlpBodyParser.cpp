#include "otlp/OtlpBodyParser.h"

#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/json_util.h>
#include <simdjson.h>

#include <array>
#include <climits>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/ApiError.h"
#include "common/Hex.h"
#include "otlp/HexId.h"

namespace infrasage::otlp {

namespace {

constexpr std::array<std::string_view, 6> kIdMembers = {"traceId",  "spanId",  "parentSpanId",
                                                        "trace_id", "span_id", "parent_span_id"};

// libprotobuf logs an ERROR line for each string field with invalid UTF-8 it refuses; the request
// is answered 400 anyway, and a client must not be able to flood the server log.
void silenceProtobufLogging() {
    static std::once_flag once;
    std::call_once(once, [] { google::protobuf::SetLogHandler(nullptr); });
}

bool isIdMember(const std::string& key) {
    for (auto name : kIdMembers) {
        if (key == name) {
            return true;
        }
    }
    return false;
}

// At most `max` bytes of `text`, cut at a character boundary (messages are sent as UTF-8 text).
std::string utf8Prefix(std::string_view text, std::size_t max) {
    if (text.size() <= max) {
        return std::string(text);
    }
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
        --end;
    }
    return std::string(text.substr(0, end));
}

// Depth is bounded by the parse callback, so this recursion is too.
void hexIdsToBase64(nlohmann::json& value) {
    if (value.is_array()) {
        for (auto& item : value) {
            hexIdsToBase64(item);
        }
        return;
    }
    if (!value.is_object()) {
        return;
    }
    for (auto& [key, member] : value.items()) {
        if (member.is_string() && isIdMember(key)) {
            auto bytes = fromHex(member.get_ref<const std::string&>(), HexCase::Any);
            if (!bytes) {
                throw ApiError(400, "invalid_id", key + " is not hex (OTLP/JSON ids are hex)");
            }
            member = base64(*bytes);
            continue;
        }
        hexIdsToBase64(member);
    }
}

void parseJson(std::string_view body, google::protobuf::Message& out) {
    if (simdjson::validate_utf8(body.data(), body.size()) == false) {
        throw ApiError(400, "invalid_utf8", "the body is not valid UTF-8");
    }
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(
            body.begin(), body.end(),
            [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
                if (depth > static_cast<int>(kMaxOtlpJsonDepth)) {
                    throw ApiError(400, "invalid_json",
                                   "nesting deeper than " + std::to_string(kMaxOtlpJsonDepth));
                }
                return true;
            });
    } catch (const nlohmann::json::parse_error& e) {
        throw ApiError(400, "invalid_json",
                       "the body is not valid JSON (at byte " + std::to_string(e.byte) + ")");
    } catch (const nlohmann::json::exception&) {
        throw ApiError(400, "invalid_json", "the body is not valid JSON");
    }
    if (!document.is_object()) {
        throw ApiError(400, "invalid_json", "an OTLP/JSON body is a JSON object");
    }
    hexIdsToBase64(document);
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(document.dump(), &out, options);
    if (!status.ok()) {
        out.Clear();
        throw ApiError(400, "invalid_json",
                       "not an OTLP/JSON message: " + utf8Prefix(status.ToString(), 200));
    }
}

}  // namespace

void parseOtlpBody(std::string_view body, Encoding encoding, google::protobuf::Message& out) {
    silenceProtobufLogging();
    if (encoding == Encoding::Json) {
        parseJson(body, out);
        return;
    }
    if (body.size() > static_cast<std::size_t>(INT_MAX) ||
        !out.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
        out.Clear();
        throw ApiError(
            400, "invalid_protobuf",
            "the body is not a valid OTLP protobuf message (truncated or malformed, or a "
            "string field holds invalid UTF-8)");
    }
}

}  // namespace infrasage::otlp
