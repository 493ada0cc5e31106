#include "http/TlsContext.h"

#include <openssl/err.h>

#include "observability/Log.h"

namespace infrasage::http {

namespace {

bool fail(const std::string& what) {
    char buf[256] = {0};
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    observability::logError("tls setup failed", {{"step", what}, {"openssl", buf}});
    return false;
}

}  // namespace

bool configureServerTls(SSL_CTX& ctx, const TlsSettings& settings) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION |
                                  SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION |
                                  SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_use_certificate_chain_file(&ctx, settings.cert_chain_file.c_str()) != 1) {
        return fail("certificate " + settings.cert_chain_file);
    }
    if (SSL_CTX_use_PrivateKey_file(&ctx, settings.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        return fail("private key");
    }
    if (SSL_CTX_check_private_key(&ctx) != 1) {
        return fail("private key does not match certificate");
    }
    if (settings.require_client_cert) {
        if (SSL_CTX_load_verify_locations(&ctx, settings.client_ca_file.c_str(), nullptr) != 1) {
            return fail("client CA " + settings.client_ca_file);
        }
        SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    return true;
}

}  // namespace infrasage::http
