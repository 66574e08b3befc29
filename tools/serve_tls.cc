// serve's HTTPS context (see serve_tls.h).
#include "serve_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>

#include "cli.h"

namespace orderstore::tool {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's reason for the last failure, e.g. "key values mismatch".
std::string OpenSslReason(const boost::system::error_code& ec) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return ec.message();
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : ec.message();
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeTlsContext(
    const std::string& cert_path, const std::string& key_path) {
  // Read first: a key file that others may read is refused before OpenSSL
  // sees it.
  Result<std::string> key = ReadSecretFile(key_path, "TLS key");
  if (!key.ok()) return key.status();
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return Status::InvalidArgument("TLS: cannot require TLS 1.2");
  }
  context->set_options(ssl::context::default_workarounds |
                       ssl::context::no_compression |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_path, ec);
  if (ec) {
    return Status::InvalidArgument("TLS certificate " + cert_path + ": " +
                                   OpenSslReason(ec));
  }
  context->use_private_key(boost::asio::buffer(*key), ssl::context::pem, ec);
  // The key's text is no longer needed: do not leave it in freed memory.
  OPENSSL_cleanse(key->data(), key->size());
  if (ec) {
    return Status::InvalidArgument("TLS key " + key_path + ": " +
                                   OpenSslReason(ec));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("TLS key " + key_path +
                                   " does not belong to the certificate in " +
                                   cert_path);
  }
  return context;
}

}  // namespace orderstore::tool
