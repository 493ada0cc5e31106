#include <gtest/gtest.h>

#include <string>

#include "storage/AnomalyPageToken.h"
#include "support/ApiErrorCapture.h"

namespace infrasage::storage {
namespace {

using testing::Err;
using testing::errorOf;

TEST(AnomalyPageToken, RoundTripsAndIsQueryStringSafe) {
    for (const AnomalyCursor& c : {AnomalyCursor{1712750400, "anom-0123456789abcdef"},
                                   AnomalyCursor{0, "a"}, AnomalyCursor{4294967295, "A_b-9"}}) {
        const std::string token = AnomalyPageToken::encode(c);
        EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
        EXPECT_EQ(AnomalyPageToken::decode(token), c);
    }
}

TEST(AnomalyPageToken, AnythingNotIssuedIsInvalid) {
    const Err invalid{400, "invalid_page_token"};
    const std::string good = AnomalyPageToken::encode({1712750400, "anom-0123456789abcdef"});
    const auto hex = [](const std::string& plain) {
        std::string out;
        for (char c : plain) {
            const auto byte = static_cast<unsigned char>(c);
            out += "0123456789abcdef"[byte >> 4U];
            out += "0123456789abcdef"[byte & 15U];
        }
        return out;
    };
    for (const std::string& token :
         {std::string(), std::string("zz"), good.substr(1), good + "0", good + "00",
          std::string(400, 'a'), hex("a2.1.anom-1"), hex("a1.-1.anom-1"), hex("a1.4294967296.x"),
          hex("a1..x"), hex("a1.12"), hex("a1.12."), hex("a1.12.x' OR 1=1"), hex("a1.1e3.x"),
          hex("a1.12.x.y"), hex("a1.12." + std::string(65, 'x'))}) {
        EXPECT_EQ(errorOf([&] { AnomalyPageToken::decode(token); }), invalid) << token;
    }
}

}  // namespace
}  // namespace infrasage::storage
