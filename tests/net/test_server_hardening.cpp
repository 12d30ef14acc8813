// Issue 20, server hardening: a server off loopback that authenticates no client says so loudly;
// a peer that never completes the handshake, or a connection that carries no session, is dropped
// instead of being held forever.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "security_cli_support.hpp"

namespace hesplit::test {
namespace {

constexpr const char* kNoAuthWarning = "authenticates NO client";

TEST(ServerHardening, NoClientAuthenticationOffLoopbackWarnsLoudly) {
  const fs::path dir = security_scratch("no_auth");
  {
    Child open({"server", "--listen", "0.0.0.0:0", "--insecure", "--out", (dir / "a").string()},
               dir / "open");
    EXPECT_NE(address_of(open), "");
    EXPECT_NE(open.err().find(kNoAuthWarning), std::string::npos) << open.err();
  }
  {
    Child token({"server", "--listen", "0.0.0.0:0", "--insecure", "--token-file",
                 (dir / "token").string(), "--out", (dir / "b").string()},
                dir / "token");
    EXPECT_NE(address_of(token), "");
    EXPECT_EQ(token.err().find(kNoAuthWarning), std::string::npos) << token.err();
  }
  Child loopback({"server", "--listen", "127.0.0.1:0", "--out", (dir / "c").string()},
                 dir / "loopback");
  EXPECT_NE(address_of(loopback), "");
  EXPECT_EQ(loopback.err().find(kNoAuthWarning), std::string::npos) << loopback.err();
}

int port_of(const std::string& address) {
  return std::stoi(address.substr(address.rfind(':') + 1));
}

// Seconds until the server closes a TCP connection over which nothing is ever sent (at most
// `limit`).
double seconds_until_closed(int port, double limit) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  char buffer[256];
  while (elapsed() < limit) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0 && ::recv(fd, buffer, sizeof buffer, 0) <= 0) break;
  }
  ::close(fd);
  return elapsed();
}

// A slow-loris peer: opens TCP and never speaks HTTP/2. gRPC's default kept it for 120 s.
TEST(ServerHardening, APeerThatNeverCompletesTheHandshakeIsDropped) {
  const fs::path dir = security_scratch("handshake");
  Child server({"server", "--listen", "127.0.0.1:0", "--out", (dir / "out").string()},
               dir / "server");
  const double waited = seconds_until_closed(port_of(address_of(server)), 40.0);
  EXPECT_GT(waited, 5.0);
  EXPECT_LT(waited, 30.0);
}

// A connection that opens no session is closed after --max-connection-idle.
TEST(ServerHardening, AConnectionWithoutASessionIsClosedWhenIdle) {
  const fs::path dir = security_scratch("idle");
  Child server({"server", "--listen", "127.0.0.1:0", "--max-connection-idle", "1", "--out",
                (dir / "out").string()},
               dir / "server");
  const std::string address = address_of(server);
  ASSERT_NE(address, "");
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  const auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() + 10s));
  const auto start = std::chrono::steady_clock::now();
  while (channel->GetState(false) == GRPC_CHANNEL_READY &&
         std::chrono::steady_clock::now() - start < 20s) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_NE(channel->GetState(false), GRPC_CHANNEL_READY);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_TRUE(server.running()) << server.err();
}

}  // namespace
}  // namespace hesplit::test
