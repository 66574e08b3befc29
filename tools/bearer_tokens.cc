// serve's bearer tokens (see bearer_tokens.h).
#include "bearer_tokens.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "cli.h"

namespace orderstore::tool {
namespace {

constexpr size_t kMinTokenSize = 16;
constexpr size_t kMaxTokenSize = 512;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" /
// "+" / "/" ) *"=".
bool IsToken68(std::string_view s) {
  size_t i = 0;
  auto body = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~' || c == '+' || c == '/';
  };
  while (i < s.size() && body(s[i])) ++i;
  if (i == 0) return false;
  while (i < s.size() && s[i] == '=') ++i;
  return i == s.size();
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

}  // namespace

BearerTokens::Digest BearerTokens::DigestOf(std::string_view token) {
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         digest.data());
  return digest;
}

std::string BearerTokens::Fingerprint(std::string_view token) {
  static constexpr char kHex[] = "0123456789abcdef";
  const Digest digest = DigestOf(token);
  std::string text;
  for (size_t i = 0; i < 4; ++i) {
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 15];
  }
  return text;
}

Result<std::shared_ptr<const BearerTokens>> BearerTokens::Load(
    const std::string& path) {
  Result<std::string> text = ReadSecretFile(path, "token file");
  if (!text.ok()) return text.status();
  auto tokens = std::make_shared<BearerTokens>();
  std::string_view rest = *text;
  for (size_t line = 1; !rest.empty(); ++line) {
    const size_t end = rest.find('\n');
    const std::string_view token = Trim(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (token.empty() || token.front() == '#') continue;
    // The error names the line, never the token.
    const std::string where = "token file " + path + " line " + std::to_string(line);
    if (!IsToken68(token)) {
      return Status::InvalidArgument(
          where + ": a token is letters, digits, - . _ ~ + / and trailing =, "
                  "with no space inside");
    }
    if (token.size() < kMinTokenSize || token.size() > kMaxTokenSize) {
      return Status::InvalidArgument(
          where + ": a token has 16 to 512 characters (make one with "
                  "'openssl rand -hex 32')");
    }
    tokens->tokens_.push_back(Token{DigestOf(token), Fingerprint(token)});
  }
  if (tokens->tokens_.empty()) {
    return Status::InvalidArgument("token file " + path + " holds no token");
  }
  return std::shared_ptr<const BearerTokens>(std::move(tokens));
}

HttpAuth BearerTokens::Check(std::string_view authorization, size_t count,
                             std::string_view* fingerprint) const {
  *fingerprint = "-";
  if (count == 0) return HttpAuth::kMissing;
  if (count > 1) return HttpAuth::kRefused;  // which one would count?
  const std::string_view value = Trim(authorization);
  const size_t space = value.find(' ');
  if (space == std::string_view::npos ||
      !EqualsIgnoringCase(value.substr(0, space), "Bearer")) {
    return HttpAuth::kMissing;
  }
  // Digests have one length whatever the token's, so comparing them tells
  // nothing of how long a token is; every one is compared, so the time
  // does not say which one matched.
  const Digest digest = DigestOf(Trim(value.substr(space + 1)));
  const Token* match = nullptr;
  for (const Token& token : tokens_) {
    const bool equal =
        CRYPTO_memcmp(token.digest.data(), digest.data(), digest.size()) == 0;
    if (equal) match = &token;
  }
  if (match == nullptr) return HttpAuth::kRefused;
  *fingerprint = match->fingerprint;
  return HttpAuth::kAllowed;
}

}  // namespace orderstore::tool
