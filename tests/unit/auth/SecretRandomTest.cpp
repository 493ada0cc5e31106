#include <gtest/gtest.h>

#include <set>
#include <string>

#include "auth/SecretRandom.h"

namespace infrasage::auth {
namespace {

bool isBase62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

TEST(SecretRandomTest, Base62HasTheRequestedLengthAndAlphabet) {
    EXPECT_EQ(randomBase62(0), "");
    const std::string s = randomBase62(62 * 200);
    ASSERT_EQ(s.size(), 62u * 200);
    std::set<char> seen;
    for (const char c : s) {
        ASSERT_TRUE(isBase62(c)) << c;
        seen.insert(c);
    }
    // Every character is drawn: a missing one has probability about 62 * (61/62)^12400 ≈ 1e-85.
    EXPECT_EQ(seen.size(), 62u);
}

TEST(SecretRandomTest, Base62ValuesDoNotRepeat) {
    std::set<std::string> values;
    for (int i = 0; i < 1000; ++i) {
        values.insert(randomBase62(16));
    }
    EXPECT_EQ(values.size(), 1000u);
}

TEST(SecretRandomTest, Base64UrlEncodesTheRequestedBytes) {
    const std::string s = randomBase64Url(32);
    EXPECT_EQ(s.size(), 43u);
    EXPECT_EQ(
        s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    const auto decoded = base64UrlDecode(s);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->size(), 32u);
    EXPECT_NE(randomBase64Url(32), s);
}

TEST(SecretRandomTest, Base64UrlRoundTripsAndKnownVectors) {
    EXPECT_EQ(base64UrlEncode(""), "");
    EXPECT_EQ(base64UrlEncode("f"), "Zg");
    EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
    EXPECT_EQ(base64UrlEncode("foo"), "Zm9v");
    EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64UrlDecode("-_8"), std::string("\xfb\xff"));
    EXPECT_EQ(base64UrlDecode("Zm9v"), std::string("foo"));
    EXPECT_EQ(base64UrlDecode(""), std::string());
}

TEST(SecretRandomTest, Base64UrlDecodeIsStrict) {
    for (const char* bad :
         {"Zg==", "Zg=", "+/8", "Zm 9v", "Zm9v\n", "Z", "Zm9vZ", "Zh", "Zm9", "Zm*v"}) {
        EXPECT_FALSE(base64UrlDecode(bad).has_value()) << bad;
    }
}

TEST(SecretRandomTest, ConstantTimeEquals) {
    EXPECT_TRUE(constantTimeEquals("", ""));
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
    EXPECT_FALSE(constantTimeEquals("abc", "ab"));
    EXPECT_FALSE(constantTimeEquals("", "a"));
    EXPECT_TRUE(constantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
    EXPECT_FALSE(constantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(SecretRandomTest, Sha256KnownVectors) {
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretRandomTest, HmacSha256Rfc4231Vectors) {
    // RFC 4231 test case 2.
    EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 6: a key longer than the block size is hashed first.
    EXPECT_EQ(hmacSha256Hex(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_EQ(hmacSha256("Jefe", "what do ya want for nothing?").size(), 32u);
}

}  // namespace
}  // namespace infrasage::auth
