#include "ingest/JsonValidation.h"

#include <string>

#include "common/ApiError.h"

namespace infrasage::ingest {
namespace ondemand = simdjson::ondemand;

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool isJsonWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && isJsonWhitespace(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

void validateContainerDepth(std::size_t depth) {
    if (depth > kMaxJsonDepth) {
        throwInvalidJson("nesting too deep");
    }
}

void validateArray(ondemand::array& array, std::size_t depth) {
    for (auto element_result : array) {
        ondemand::value element;
        if (auto error = element_result.get(element)) {
            throwJsonError(error);
        }
        validateValue(element, depth + 1);
    }
}

void validateObject(ondemand::object& object, std::size_t depth) {
    for (auto field_result : object) {
        ondemand::field field;
        if (auto error = std::move(field_result).get(field)) {
            throwJsonError(error);
        }
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) {
            throwJsonError(error);
        }
        validateValue(field.value(), depth + 1);
    }
}

void validateAtom(std::string_view token, ondemand::json_type type) {
    const std::string_view trimmed = trimRight(token);
    bool valid = false;
    switch (type) {
        case ondemand::json_type::number:
            valid = isJsonNumberToken(trimmed);
            break;
        case ondemand::json_type::boolean:
            valid = trimmed == "true" || trimmed == "false";
            break;
        case ondemand::json_type::null:
            valid = trimmed == "null";
            break;
        default:
            break;
    }
    if (!valid) {
        throwInvalidJson("invalid literal");
    }
}

}  // namespace

void throwJsonError(simdjson::error_code error) {
    switch (error) {
        case simdjson::UTF8_ERROR:
            throw ApiError(400, "invalid_utf8", "request body is not valid UTF-8");
        case simdjson::MEMALLOC:
            throw std::bad_alloc();
        case simdjson::STRING_ERROR:
            throwInvalidJson("invalid string escape");
        case simdjson::UNESCAPED_CHARS:
            throwInvalidJson("unescaped control character in string");
        case simdjson::EMPTY:
            throwInvalidJson("empty body");
        default:
            throwInvalidJson(simdjson::error_message(error));
    }
}

void throwInvalidJson(std::string_view why) {
    throw ApiError(400, "invalid_json", "request body is not valid JSON: " + std::string(why));
}

bool isJsonNumberToken(std::string_view token) noexcept {
    std::string_view s = trimRight(token);
    std::size_t i = 0;
    const auto digitsFrom = [&s, &i]() {
        const std::size_t start = i;
        while (i < s.size() && isDigit(s[i])) {
            ++i;
        }
        return i - start;
    };
    if (i < s.size() && s[i] == '-') {
        ++i;
    }
    if (i < s.size() && s[i] == '0') {
        ++i;  // a leading zero must stand alone
    } else if (digitsFrom() == 0) {
        return false;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (digitsFrom() == 0) {
            return false;
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            ++i;
        }
        if (digitsFrom() == 0) {
            return false;
        }
    }
    return i == s.size();
}

void validateValue(ondemand::value& value, std::size_t depth) {
    ondemand::json_type type;
    if (auto error = value.type().get(type)) {
        throwJsonError(error);
    }
    switch (type) {
        case ondemand::json_type::array: {
            validateContainerDepth(depth);
            ondemand::array array;
            if (auto error = value.get_array().get(array)) {
                throwJsonError(error);
            }
            validateArray(array, depth);
            return;
        }
        case ondemand::json_type::object: {
            validateContainerDepth(depth);
            ondemand::object object;
            if (auto error = value.get_object().get(object)) {
                throwJsonError(error);
            }
            validateObject(object, depth);
            return;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            if (auto error = value.get_string().get(s)) {
                throwJsonError(error);
            }
            return;
        }
        default:
            // Numbers are checked by grammar only (1e999 is valid JSON, just not a double); the
            // enclosing iterator skips the token.
            validateAtom(value.raw_json_token(), type);
            return;
    }
}

void validateDocument(ondemand::document& doc, std::string_view text) {
    ondemand::json_type type;
    if (auto error = doc.type().get(type)) {
        throwJsonError(error);
    }
    if (type == ondemand::json_type::array || type == ondemand::json_type::object) {
        ondemand::value root;
        if (auto error = doc.get_value().get(root)) {
            throwJsonError(error);
        }
        validateValue(root, 1);
        checkNoTrailingContent(doc);
        return;
    }
    // A scalar root is one token; the token runs up to the next structural character, which is
    // the end of the text only when nothing follows it.
    std::string_view token;
    if (auto error = doc.raw_json_token().get(token)) {
        throwJsonError(error);
    }
    if (token.data() + token.size() != text.data() + text.size()) {
        throwInvalidJson("trailing content after the JSON value");
    }
    if (type == ondemand::json_type::string) {
        std::string_view s;
        if (auto error = doc.get_string().get(s)) {
            throwJsonError(error);
        }
        return;
    }
    validateAtom(token, type);
}

void checkNoTrailingContent(ondemand::document& doc) {
    const char* location = nullptr;
    if (doc.current_location().get(location) == simdjson::OUT_OF_BOUNDS) {
        return;
    }
    throwInvalidJson("trailing content after the JSON value");
}

}  // namespace infrasage::ingest
