// Issue 20, medium: a call refused before its session starts (wrong token, a Hello the server
// refuses, a client that leaves before Hello) must not count as a served session. Before the fix,
// `hesplit server --sessions 1` exited (non-zero) on the first wrong-token call.
#include <gtest/gtest.h>

#include "net/client_connection.hpp"
#include "security_cli_support.hpp"
#include "split/message.hpp"

namespace hesplit::test {
namespace {

// A Hello the server refuses before the session starts (a wire version it does not speak), sent
// over a real gRPC stream with the right token.
std::string send_refused_hello(const std::string& address) {
  net::NetOptions options;
  options.token = kGoodToken;
  net::ClientConnection connection(address, options);
  split::Message hello;
  hello.kind = split::MessageKind::kHello;
  hello.fields = {{"protocol", "plain"}, {"wire_version", "0"}};
  connection.send(hello);
  try {
    connection.receive();
    connection.close();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// A client that opens the stream with the right token and leaves without a Hello.
void connect_and_leave(const std::string& address) {
  net::NetOptions options;
  options.token = kGoodToken;
  net::ClientConnection connection(address, options);
}

TEST(RefusedCalls, WrongTokensAndRefusedHellosDoNotEndTheServer) {
  const fs::path dir = security_scratch("refused");
  Child server({"server", "--listen", "127.0.0.1:0", "--sessions", "1", "--token-file",
                (dir / "token").string(), "--out", (dir / "server").string()},
               dir / "server");
  const std::string address = address_of(server);
  for (int i = 0; i < 3; ++i) {
    Child attacker(with(plain_client(dir, address, "attacker-" + std::to_string(i)),
                        {"--token-file", (dir / "wrong-token").string()}),
                   dir / ("attacker-" + std::to_string(i)));
    EXPECT_NE(attacker.wait(), 0);
    EXPECT_NE(attacker.err().find("missing or wrong token"), std::string::npos) << attacker.err();
    ASSERT_TRUE(server.running()) << "a wrong-token call ended the server: " << server.err();
  }
  EXPECT_NE(send_refused_hello(address).find("wire version"), std::string::npos);
  connect_and_leave(address);
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(server.running()) << "a refused Hello ended the server: " << server.err();

  Child good(with(plain_client(dir, address, "good"), {"--token-file", (dir / "token").string()}),
             dir / "good");
  EXPECT_EQ(good.wait(), 0) << good.err();
  EXPECT_EQ(server.wait(), 0) << server.err();
  const std::string log = server.err();
  // One line per refused call, none of them counted, and no token in the log.
  EXPECT_EQ(count_of(log, "hesplit server: refused a call from "), 5U) << log;
  EXPECT_NE(log.find("missing or wrong token"), std::string::npos) << log;
  EXPECT_NE(log.find("wire version 0"), std::string::npos) << log;
  EXPECT_EQ(log.find(kGoodToken), std::string::npos) << log;
  EXPECT_EQ(log.find(kWrongToken), std::string::npos) << log;
  EXPECT_NE(log.find("plain session ended after 1 training batches"), std::string::npos) << log;
}

TEST(RefusedCalls, WithSessionsNRefusedCallsAreNotCounted) {
  const fs::path dir = security_scratch("refused_n");
  Child server({"server", "--listen", "127.0.0.1:0", "--sessions", "2", "--token-file",
                (dir / "token").string(), "--out", (dir / "server").string()},
               dir / "server");
  const std::string address = address_of(server);
  for (int i = 0; i < 2; ++i) {
    Child attacker(with(plain_client(dir, address, "attacker-" + std::to_string(i)),
                        {"--token-file", (dir / "wrong-token").string()}),
                   dir / ("attacker-" + std::to_string(i)));
    EXPECT_NE(attacker.wait(), 0);
  }
  ASSERT_TRUE(server.running()) << server.err();
  for (int i = 0; i < 2; ++i) {
    Child good(with(plain_client(dir, address, "good-" + std::to_string(i)),
                    {"--token-file", (dir / "token").string()}),
               dir / ("good-" + std::to_string(i)));
    EXPECT_EQ(good.wait(), 0) << good.err();
  }
  EXPECT_EQ(server.wait(), 0) << server.err();
}

}  // namespace
}  // namespace hesplit::test
