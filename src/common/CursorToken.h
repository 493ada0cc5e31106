// common/CursorToken: the one encoding of the opaque page tokens of list endpoints (audit log,
// anomalies). A token carries a format version, a position (a time) and the id of the last item
// of a page, as lowercase hex of "<version>.<position>.<id>", so it travels in a query string as
// is. decode() checks the framing, the version and that the position is a plain non-negative
// integer; each list checks the id's alphabet and the position's range itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace infrasage {

struct CursorFields {
    int64_t position = 0;
    std::string id;
};

std::string encodeCursorToken(std::string_view version, int64_t position, std::string_view id);

// nullopt for anything encodeCursorToken(version, ...) did not produce or longer than max_chars.
std::optional<CursorFields> decodeCursorToken(std::string_view version, std::string_view token,
                                              std::size_t max_chars);

}  // namespace infrasage
