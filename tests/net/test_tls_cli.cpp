// The security flags of the real commands: `hesplit server` refuses plaintext off loopback unless
// --insecure (which warns), and a TLS + token session between `hesplit server` and
// `hesplit client` processes trains, while a client with the wrong token is refused (and the
// server goes on serving).
#include <gtest/gtest.h>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "test_tls_support.hpp"

namespace hesplit::test {
namespace {

class TlsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(scratch_dir("tls_cli_" + std::to_string(::getpid())));
    pki_ = new TestPki;
    fs::create_directories(*dir_ / "pki");
    if (!make_test_pki(*dir_ / "pki", *pki_)) FAIL() << "openssl could not make certificates";
    ecg::write_beat_dataset(*dir_ / "fixture.h5", synthetic_dataset(64, 32));
    std::ofstream(*dir_ / "token") << "0123456789abcdef0123456789abcdef\n";
    std::ofstream(*dir_ / "wrong-token") << "0123456789abcdef0123456789abcdeX\n";
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete dir_;
  }
  static fs::path dir() { return *dir_; }
  static std::vector<std::string> client(const std::string& address, const std::string& token,
                                         const std::string& run) {
    return {"client",
            "--mode",
            "plain",
            "--connect",
            address,
            "--data",
            (dir() / "fixture.h5").string(),
            "--epochs",
            "1",
            "--batch",
            "8",
            "--tls-ca",
            pki_->ca.string(),
            "--token-file",
            (dir() / token).string(),
            "--out",
            (dir() / run).string(),
            "--no-busy-poll"};
  }
  static std::vector<std::string> tls_server() {
    return {"server",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            pki_->server_cert.string(),
            "--tls-key",
            pki_->server_key.string(),
            "--token-file",
            (dir() / "token").string(),
            "--out",
            (dir() / "server").string()};
  }

  static inline fs::path* dir_ = nullptr;
  static inline TestPki* pki_ = nullptr;
};

TEST_F(TlsCli, PlaintextOffLoopbackNeedsInsecureAndWarns) {
  Child refused({"server", "--listen", "0.0.0.0:0"}, dir() / "refused");
  EXPECT_NE(refused.wait(), 0);
  EXPECT_NE(refused.err().find("is not a loopback address, so the session needs TLS"),
            std::string::npos)
      << refused.err();
  Child insecure(
      {"server", "--listen", "0.0.0.0:0", "--insecure", "--out", (dir() / "insecure").string()},
      dir() / "insecure");
  EXPECT_NE(address_of(insecure), "");
  EXPECT_NE(insecure.err().find("WARNING: --insecure"), std::string::npos) << insecure.err();
  insecure.signal(SIGKILL);
}

TEST_F(TlsCli, TlsAndTokenSessionTrainsAndAWrongTokenIsRefused) {
  {
    Child server(tls_server(), dir() / "server-ok");
    const std::string address = address_of(server);
    Child good(client(address, "token", "good"), dir() / "client-ok");
    EXPECT_EQ(good.wait(), 0) << good.err();
    EXPECT_EQ(server.wait(), 0) << server.err();
    EXPECT_TRUE(fs::exists(dir() / "good" / "summary.json"));
  }
  // A wrong token is refused, logged and not counted: the server (--sessions 1) keeps serving.
  Child server(tls_server(), dir() / "server-refusing");
  const std::string address = address_of(server);
  Child bad(client(address, "wrong-token", "bad"), dir() / "client-bad");
  EXPECT_NE(bad.wait(), 0);
  EXPECT_NE(bad.err().find("refused the session: missing or wrong token"), std::string::npos)
      << bad.err();
  Child good(client(address, "token", "good-after-bad"), dir() / "client-good-after-bad");
  EXPECT_EQ(good.wait(), 0) << good.err();
  EXPECT_EQ(server.wait(), 0) << server.err();
  EXPECT_NE(server.err().find("refused a call from"), std::string::npos) << server.err();
}

}  // namespace
}  // namespace hesplit::test
