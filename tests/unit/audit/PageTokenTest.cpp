#include <gtest/gtest.h>

#include "audit/PageToken.h"
#include "common/ApiError.h"

namespace infrasage::audit {
namespace {

const std::string kEventId = "0123456789abcdef0123456789abcdef";

void expectInvalid(const std::string& token) {
    try {
        PageToken::decode(token);
        ADD_FAILURE() << "accepted: " << token;
    } catch (const ApiError& e) {
        EXPECT_EQ(e.httpStatus(), 400);
        EXPECT_EQ(e.code(), "invalid_page_token");
    }
}

TEST(PageTokenTest, RoundTripsAndIsUrlSafe) {
    for (int64_t ts : {int64_t{0}, int64_t{1712750400123}, int64_t{4294967295999}}) {
        const PageCursor cursor{ts, kEventId};
        const std::string token = PageToken::encode(cursor);
        EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
        EXPECT_EQ(PageToken::decode(token), cursor);
    }
}

// Lowercase hex of `plain`, built here independently of PageToken (common/CursorToken's format).
std::string tokenOf(const std::string& plain) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (char c : plain) {
        const auto byte = static_cast<unsigned char>(c);
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0f];
    }
    return out;
}

TEST(PageTokenTest, AcceptsTheDocumentedShape) {
    EXPECT_EQ(PageToken::decode(tokenOf("2.42." + kEventId)), (PageCursor{42, kEventId}));
}

TEST(PageTokenTest, RejectsGarbage) {
    expectInvalid("");
    expectInvalid("not a token!");
    expectInvalid("a");  // odd hex length
    expectInvalid(std::string(500, 'A'));
    expectInvalid(tokenOf("hello"));
    expectInvalid(tokenOf("1.42." + kEventId));   // unknown (the base64url format)
    expectInvalid(tokenOf("2.-42." + kEventId));  // negative time
    expectInvalid(tokenOf("2.+42." + kEventId));
    expectInvalid(tokenOf("2.." + kEventId));  // no time
    expectInvalid(tokenOf("2.42x." + kEventId));
    expectInvalid(tokenOf("2.99999999999999999999." + kEventId));  // overflow
    expectInvalid(tokenOf("2.4294967296000." + kEventId));         // past DateTime
    expectInvalid(tokenOf("2.42." + kEventId.substr(1)));          // short id
    expectInvalid(tokenOf("2.42.' OR 1=1 --'0123456789abcdef"));   // not hex
    expectInvalid(tokenOf("2.42." + kEventId + "." + kEventId));
}

}  // namespace
}  // namespace infrasage::audit
