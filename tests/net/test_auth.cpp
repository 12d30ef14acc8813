// The shared-token client check: a client without the server's token is refused before any
// protocol code runs on the server; the comparison is constant-time; token files are validated.
#include <gtest/gtest.h>

#include <atomic>

#include "net/auth_token.hpp"
#include "split/serve_session.hpp"
#include "test_tls_support.hpp"

namespace hesplit::test {
namespace {

constexpr const char* kToken = "3f9c2a7e51d04b8c96e1a2b3c4d5e6f7";

struct TokenRun {
  std::string client_error;
  std::string server_error;
  bool refused = false;
  int handler_calls = 0;
};

TokenRun run_with_tokens(const std::optional<std::string>& server_token,
                         const std::optional<std::string>& client_token,
                         const net::NetOptions& base = {}) {
  net::NetOptions server_options = base;
  server_options.token = server_token;
  net::NetOptions client_options = base;
  client_options.token = client_token;
  std::atomic<int> calls = 0;
  split::ServerOptions roles;
  net::SessionServer server(
      "127.0.0.1:0",
      [&](split::Transport& t) {
        ++calls;
        split::serve_session(t, roles);
      },
      server_options);
  TokenRun run;
  const ecg::BeatDataset data = synthetic_dataset(40, 16);
  run.client_error = error_of([&] {
    train_plain_client("127.0.0.1:" + std::to_string(server.port()), client_options, data,
                       small_training());
  });
  const net::SessionOutcome outcome = server.wait_for_session();
  run.server_error = outcome.error ? outcome_error(outcome) : "";
  run.refused = outcome.refused;
  run.handler_calls = calls.load();
  return run;
}

TEST(Token, TheRightTokenOpensTheSession) {
  const TokenRun run = run_with_tokens(kToken, kToken);
  EXPECT_EQ(run.client_error, "(no error)");
  EXPECT_EQ(run.server_error, "");
  EXPECT_FALSE(run.refused);
  EXPECT_EQ(run.handler_calls, 1);
}

TEST(Token, AWrongOrMissingTokenIsRefusedBeforeAnyProtocolCode) {
  for (const std::optional<std::string>& presented :
       {std::optional<std::string>("3f9c2a7e51d04b8c96e1a2b3c4d5e6f8"),
        std::optional<std::string>("3f9c2a7e51d04b8c96e1a2b3c4d5e6f"),
        std::optional<std::string>()}) {
    const TokenRun run = run_with_tokens(kToken, presented);
    EXPECT_NE(run.client_error.find("refused the session"), std::string::npos) << run.client_error;
    EXPECT_NE(run.client_error.find("token"), std::string::npos) << run.client_error;
    EXPECT_NE(run.server_error.find("missing or wrong token"), std::string::npos)
        << run.server_error;
    EXPECT_TRUE(run.refused);
    EXPECT_EQ(run.handler_calls, 0);
  }
}

TEST(Token, AServerWithoutATokenAcceptsAnyClient) {
  EXPECT_EQ(run_with_tokens(std::nullopt, kToken).client_error, "(no error)");
}

TEST(Token, TokenOverTls) {
  TestPki pki;
  ASSERT_TRUE(make_test_pki(scratch_dir("net_auth_tls"), pki));
  net::NetOptions server;
  server.tls = net::TlsOptions{pki.server_cert, pki.server_key, std::nullopt, std::nullopt};
  net::NetOptions client;
  client.tls = net::TlsOptions{std::nullopt, std::nullopt, pki.ca, std::nullopt};
  server.token = kToken;
  client.token = kToken;
  std::atomic<int> calls = 0;
  split::ServerOptions roles;
  net::SessionServer s(
      "127.0.0.1:0",
      [&](split::Transport& t) {
        ++calls;
        split::serve_session(t, roles);
      },
      server);
  const ecg::BeatDataset data = synthetic_dataset(40, 16);
  EXPECT_NO_THROW(
      train_plain_client("127.0.0.1:" + std::to_string(s.port()), client, data, small_training()));
  EXPECT_FALSE(s.wait_for_session().error);
  EXPECT_EQ(calls.load(), 1);
}

TEST(Token, ComparisonIsExactEquality) {
  EXPECT_TRUE(net::tokens_equal("abcdefabcdefabcdef", "abcdefabcdefabcdef"));
  EXPECT_FALSE(net::tokens_equal("abcdefabcdefabcdef", "abcdefabcdefabcdeF"));
  EXPECT_FALSE(net::tokens_equal("abcdefabcdefabcdef", "abcdefabcdefabcde"));
  EXPECT_FALSE(net::tokens_equal("", "abcdefabcdefabcdef"));
  EXPECT_FALSE(net::tokens_equal(std::string("abcdefabcdefabcdef\0x", 20), "abcdefabcdefabcdef"));
}

TEST(Token, TokenFilesAreValidated) {
  const fs::path dir = scratch_dir("net_auth_files");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  };
  EXPECT_EQ(net::read_token_file(write("ok", std::string(kToken) + "\n")), kToken);
  EXPECT_EQ(net::read_token_file(write("crlf", std::string(kToken) + "\r\n")), kToken);
  std::string e = error_of([&] { net::read_token_file(write("short", "abc\n")); });
  EXPECT_NE(e.find("fewer than 16"), std::string::npos) << e;
  EXPECT_NE(e.find("short"), std::string::npos) << e;
  e = error_of([&] { net::read_token_file(write("space", "abcdefgh ijklmnopq")); });
  EXPECT_NE(e.find("byte 8"), std::string::npos) << e;
  e = error_of([&] { net::read_token_file(write("big", std::string(5000, 'a'))); });
  EXPECT_NE(e.find("5000 bytes"), std::string::npos) << e;
  e = error_of([&] { net::read_token_file(dir / "absent"); });
  EXPECT_NE(e.find("absent"), std::string::npos) << e;
}

}  // namespace
}  // namespace hesplit::test
