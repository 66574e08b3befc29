// serve's bearer tokens (RFC 6750): the set read from --token-file, and the
// check of a request's Authorization header against it.
#ifndef ORDERSTORE_TOOLS_BEARER_TOKENS_H_
#define ORDERSTORE_TOOLS_BEARER_TOKENS_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orderstore/http.h"
#include "orderstore/status.h"

namespace orderstore::tool {

// The tokens a server accepts. Only their SHA-256 digests are kept, so the
// tokens themselves are not in memory once the file is read. Immutable:
// any number of threads may Check at once.
class BearerTokens {
 public:
  // Reads the tokens in `path`: one a line; blank lines and lines starting
  // with '#' are skipped, spaces around a token ignored. The file must not
  // be open to its group or others (see ReadSecretFile). Each token is 16
  // to 512 characters of RFC 6750's token68 alphabet (letters, digits,
  // - . _ ~ + / and trailing =), so that it is not guessed and travels
  // unchanged in a header. InvalidArgument naming the file and line
  // otherwise, or when the file holds no token.
  static Result<std::shared_ptr<const BearerTokens>> Load(const std::string& path);

  // Judges a request by its Authorization header: `count` of them, the
  // last one's value `authorization`. kMissing without one (or with one of
  // another scheme than Bearer), kRefused for a token not in the set or for
  // more than one Authorization header, kAllowed otherwise. Takes the same time whichever token matches, and
  // whether one does (digests compared in constant time, every one of
  // them). `fingerprint` is set to the matching token's Fingerprint, or
  // "-".
  HttpAuth Check(std::string_view authorization, size_t count,
                 std::string_view* fingerprint) const;

  size_t size() const { return tokens_.size(); }

  // The name of a token in logs: the first 8 hex digits of its SHA-256
  // ("printf %s TOKEN | sha256sum | cut -c1-8" finds it), which tells
  // tokens apart without revealing them.
  static std::string Fingerprint(std::string_view token);

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Token {
    Digest digest;
    std::string fingerprint;
  };
  static Digest DigestOf(std::string_view token);
  std::vector<Token> tokens_;
};

}  // namespace orderstore::tool

#endif  // ORDERSTORE_TOOLS_BEARER_TOKENS_H_
