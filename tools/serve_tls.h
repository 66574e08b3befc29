// serve's HTTPS: the TLS context made from --tls-cert and --tls-key.
#ifndef ORDERSTORE_TOOLS_SERVE_TLS_H_
#define ORDERSTORE_TOOLS_SERVE_TLS_H_

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "orderstore/status.h"

namespace orderstore::tool {

// A server context speaking TLS 1.2 and 1.3 only (OpenSSL's default
// ciphers for them), with the certificate chain in `cert_path` (PEM, the
// server's certificate first) and its private key in `key_path` (PEM,
// unencrypted; a secret: refused when open to its group or others, see
// ReadSecretFile). InvalidArgument naming the file when one cannot be read
// or used, or when the key does not belong to the certificate. The context
// may be shared by every thread (OpenSSL locks what it shares).
Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(
    const std::string& cert_path, const std::string& key_path);

}  // namespace orderstore::tool

#endif  // ORDERSTORE_TOOLS_SERVE_TLS_H_
