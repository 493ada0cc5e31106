#include "ingest/Rfc3339.h"

#include <limits>

namespace infrasage::ingest {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Reads `count` digits starting at `pos`; false if any is not a digit.
bool readDigits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!isDigit(c)) {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

bool isLeapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int year, int month, int day) {
    const int64_t y = month <= 2 ? year - 1 : year;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t mp = month > 2 ? month - 3 : month + 9;
    const int64_t doy = (153 * mp + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<int64_t> parseRfc3339Nanos(std::string_view text) noexcept {
    // Fixed part: "YYYY-MM-DDTHH:MM:SS" is 19 characters; the zone needs at least one more.
    if (text.size() < 20) {
        return std::nullopt;
    }
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!readDigits(text, 0, 4, year) || text[4] != '-' || !readDigits(text, 5, 2, month) ||
        text[7] != '-' || !readDigits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't') ||
        !readDigits(text, 11, 2, hour) || text[13] != ':' || !readDigits(text, 14, 2, minute) ||
        text[16] != ':' || !readDigits(text, 17, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 ||
        minute > 59 || second > 59) {
        return std::nullopt;
    }

    std::size_t pos = 19;
    int64_t fraction_nanos = 0;
    if (text[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < text.size() && isDigit(text[pos])) {
            if (++digits > 9) {
                return std::nullopt;
            }
            fraction_nanos = fraction_nanos * 10 + (text[pos] - '0');
            ++pos;
        }
        if (digits == 0) {
            return std::nullopt;
        }
        for (std::size_t i = digits; i < 9; ++i) {
            fraction_nanos *= 10;
        }
    }

    if (pos >= text.size()) {
        return std::nullopt;
    }
    int64_t offset_seconds = 0;
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
        ++pos;
    } else if (zone == '+' || zone == '-') {
        int offset_hour = 0, offset_minute = 0;
        if (text.size() - pos != 6 || !readDigits(text, pos + 1, 2, offset_hour) ||
            text[pos + 3] != ':' || !readDigits(text, pos + 4, 2, offset_minute) ||
            offset_hour > 23 || offset_minute > 59) {
            return std::nullopt;
        }
        offset_seconds =
            (int64_t{offset_hour} * 3600 + int64_t{offset_minute} * 60) * (zone == '+' ? 1 : -1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }

    // Local time minus its offset is UTC.
    const int64_t seconds = daysFromCivil(year, month, day) * 86400 + int64_t{hour} * 3600 +
                            int64_t{minute} * 60 + second - offset_seconds;
    if (seconds < 0 || seconds > int64_t{std::numeric_limits<uint32_t>::max()}) {
        return std::nullopt;
    }
    return seconds * kNanosPerSecond + fraction_nanos;
}

}  // namespace infrasage::ingest
