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
        EXPECT_EQ(token.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos)
            << token;
        EXPECT_EQ(PageToken::decode(token), cursor);
    }
}

// base64url without padding of `plain`, built here independently of PageToken.
std::string tokenOf(const std::string& plain) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : plain) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
    }
    return out;
}

TEST(PageTokenTest, AcceptsTheDocumentedShape) {
    EXPECT_EQ(PageToken::decode(tokenOf("1.42." + kEventId)), (PageCursor{42, kEventId}));
}

TEST(PageTokenTest, RejectsGarbage) {
    expectInvalid("");
    expectInvalid("not a token!");
    expectInvalid("a");  // impossible base64 length
    expectInvalid(std::string(500, 'A'));
    expectInvalid(tokenOf("hello"));
    expectInvalid(tokenOf("2.42." + kEventId));   // unknown version
    expectInvalid(tokenOf("1.-42." + kEventId));  // negative time
    expectInvalid(tokenOf("1.+42." + kEventId));
    expectInvalid(tokenOf("1.." + kEventId));  // no time
    expectInvalid(tokenOf("1.42x." + kEventId));
    expectInvalid(tokenOf("1.99999999999999999999." + kEventId));  // overflow
    expectInvalid(tokenOf("1.4294967296000." + kEventId));         // past DateTime
    expectInvalid(tokenOf("1.42." + kEventId.substr(1)));          // short id
    expectInvalid(tokenOf("1.42.' OR 1=1 --'0123456789abcdef"));   // not hex
    expectInvalid(tokenOf("1.42." + kEventId + "." + kEventId));
}

}  // namespace
}  // namespace infrasage::audit
