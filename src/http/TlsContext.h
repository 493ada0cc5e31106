// http/TlsContext: configures the listener's OpenSSL context — TLS 1.2 minimum, the certificate
// chain and key, and (mTLS) mandatory client certificates from a CA bundle.
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace infrasage::http {

struct TlsSettings {
    std::string cert_chain_file;
    std::string key_file;
    bool require_client_cert = false;
    std::string client_ca_file;
};

// Returns false (and logs why) when a file cannot be loaded or the key does not match.
bool configureServerTls(SSL_CTX& ctx, const TlsSettings& settings);

}  // namespace infrasage::http
