// Issue 20, low: "plaintext only on loopback" read the address as text, so
// "ipv4:127.0.0.1:1,192.0.2.2:p" and "127.attacker.example:p" passed as loopback. The address is
// now parsed; the refusal comes before any connection (a listener on loopback sees none).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/security_policy.hpp"
#include "security_cli_support.hpp"

namespace hesplit::test {
namespace {

TEST(LoopbackPolicy, OnlyParsedLoopbackAddressesCount) {
  for (const char* address :
       {"127.0.0.1:50051", "127.8.0.3:0", "127.0.0.1", "[::1]:50051", "[::1]", "::1",
        "ipv4:127.0.0.1:5", "ipv6:[::1]:5", "[::ffff:127.0.0.1]:5", "localhost:1", "LocalHost:1",
        "dns:///localhost:7", "dns:127.0.0.1:7", "unix:/tmp/hesplit.sock", "unix-abstract:hs"}) {
    EXPECT_TRUE(net::is_loopback_address(address)) << address;
  }
  for (const char* address : {"ipv4:127.0.0.1:1,192.0.2.2:9",
                              "ipv4:127.0.0.1:1,127.0.0.2:1",
                              "ipv6:[::1]:1,[2001:db8::1]:1",
                              "127.attacker.example:9",
                              "127.0.0.1.attacker.example:9",
                              "localhost.attacker.example:9",
                              "127.1:9",
                              "0127.0.0.1:9",
                              "dns://192.0.2.2/localhost:9",
                              "dns:///127.attacker.example:9",
                              "[::1]x:9",
                              "[::1:9",
                              "localhost:http",
                              "127.0.0.1:99999",
                              "ipv4:localhost:9",
                              "0.0.0.0:9",
                              "[::]:9",
                              "10.1.2.3:9",
                              "hospital.example:443",
                              "",
                              ":9",
                              "[fe80::1%lo]:9",
                              "[::ffff:10.0.0.1]:9"}) {
    EXPECT_FALSE(net::is_loopback_address(address)) << address;
  }
}

// A TCP listener on 127.0.0.1 that counts the connections it is offered.
class CountingListener {
 public:
  CountingListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(fd_, 8) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size)) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
  }
  ~CountingListener() { ::close(fd_); }
  CountingListener(const CountingListener&) = delete;
  CountingListener& operator=(const CountingListener&) = delete;
  int port() const { return port_; }
  int accepted() {
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, 0) > 0) {
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) break;
      ::close(client);
      ++accepted_;
    }
    return accepted_;
  }

 private:
  int fd_;
  int port_ = 0;
  int accepted_ = 0;
};

// The attack of the issue on a real `hesplit client`: plaintext to a list whose first address is
// loopback. Refused before connecting: the loopback listener in the list sees no connection.
TEST(LoopbackPolicy, ClientRefusesAListedOrLookalikeAddressBeforeConnecting) {
  const fs::path dir = security_scratch("client");
  CountingListener listener;
  const std::string port = std::to_string(listener.port());
  for (const std::string& address :
       {"ipv4:127.0.0.1:" + port + ",192.0.2.2:9", "127.attacker.example:" + port,
        "ipv6:[::1]:" + port + ",[2001:db8::2]:9"}) {
    Child client(plain_client(dir, address, "run"), dir / "client");
    EXPECT_EQ(client.wait(), 1) << address << ": " << client.err();
    EXPECT_NE(client.err().find("--connect " + address +
                                " is not a loopback address, so the session needs TLS"),
              std::string::npos)
        << client.err();
  }
  EXPECT_EQ(listener.accepted(), 0);
}

TEST(LoopbackPolicy, ServerRefusesALookalikeListenAddress) {
  const fs::path dir = security_scratch("server");
  Child server({"server", "--listen", "127.attacker.example:0", "--out", (dir / "out").string()},
               dir / "server");
  EXPECT_EQ(server.wait(), 1) << server.err();
  EXPECT_NE(server.err().find("--listen 127.attacker.example:0 is not a loopback address"),
            std::string::npos)
      << server.err();
}

// Still allowed in plaintext: numeric loopback, [::1] and localhost (which resolves to loopback).
TEST(LoopbackPolicy, LocalhostAndIpv6LoopbackTrainInPlaintext) {
  const fs::path dir = security_scratch("localhost");
  Child server({"server", "--listen", "localhost:0", "--out", (dir / "out").string()},
               dir / "server");
  const std::string address = address_of(server);
  EXPECT_TRUE(address.starts_with("localhost:")) << address;
  Child client(plain_client(dir, address, "run"), dir / "client");
  EXPECT_EQ(client.wait(), 0) << client.err();
  EXPECT_EQ(server.wait(), 0) << server.err();
  EXPECT_EQ(server.err().find("WARNING"), std::string::npos) << server.err();
}

}  // namespace
}  // namespace hesplit::test
