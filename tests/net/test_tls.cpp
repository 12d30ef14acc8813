// TLS on the session stream: the client verifies the server's certificate against --tls-ca and the
// host it dials; mutual TLS makes the server verify the client's; plaintext is allowed only on
// loopback or with --insecure (and a loud warning). Certificates are made at test time (openssl).
#include <gtest/gtest.h>

#include <sstream>

#include "net/security_policy.hpp"
#include "split/serve_session.hpp"
#include "test_tls_support.hpp"

namespace hesplit::test {
namespace {

using net::NetOptions;
using net::TlsOptions;

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path dir = scratch_dir(
        "net_tls_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    ASSERT_TRUE(make_test_pki(dir, pki_)) << "openssl could not make the test certificates";
  }

  NetOptions server_tls(const fs::path& cert, const fs::path& key) const {
    NetOptions options;
    options.tls = TlsOptions{cert, key, std::nullopt, std::nullopt};
    return options;
  }
  NetOptions client_tls(const fs::path& ca) const {
    NetOptions options;
    options.tls = TlsOptions{std::nullopt, std::nullopt, ca, std::nullopt};
    // A failed handshake looks like an absent server to gRPC: do not wait the default 10 s.
    options.connect_timeout = std::chrono::milliseconds(2'000);
    return options;
  }

  // Trains a short plain session; returns the client's error ("" on success) and whether the
  // server ran a session.
  struct Attempt {
    std::string client_error;
    bool server_saw_session = false;
    split::TrainingResult result;
  };
  Attempt attempt(const NetOptions& server_options, const NetOptions& client_options,
                  const std::string& host = "127.0.0.1") {
    Attempt out;
    split::ServerOptions roles;
    net::SessionServer server(
        "127.0.0.1:0", [&](split::Transport& t) { split::serve_session(t, roles); },
        server_options);
    const std::string address = host + ":" + std::to_string(server.port());
    out.client_error = error_of(
        [&] { out.result = train_plain_client(address, client_options, data_, small_training()); });
    if (out.client_error == "(no error)") {
      out.client_error.clear();
      const net::SessionOutcome outcome = server.wait_for_session();
      EXPECT_FALSE(outcome.error) << outcome_error(outcome);
      out.server_saw_session = true;
    }
    return out;
  }

  TestPki pki_;
  const ecg::BeatDataset data_ = synthetic_dataset(40, 16);
};

TEST_F(Tls, SessionOverTlsTrainsExactlyAsOverPlaintext) {
  const Attempt clear = attempt(NetOptions{}, NetOptions{});
  ASSERT_EQ(clear.client_error, "");
  const Attempt tls = attempt(server_tls(pki_.server_cert, pki_.server_key), client_tls(pki_.ca));
  ASSERT_EQ(tls.client_error, "");
  expect_same_results(tls.result, clear.result);
  // Same application bytes: TLS framing is below the counted messages.
  EXPECT_EQ(tls.result.epochs[0].bytes_client_to_server,
            clear.result.epochs[0].bytes_client_to_server);
}

TEST_F(Tls, ClientRefusesAServerCertificateFromAnotherCa) {
  const Attempt a =
      attempt(server_tls(pki_.rogue_server_cert, pki_.rogue_server_key), client_tls(pki_.ca));
  EXPECT_NE(a.client_error.find("cannot connect to a hesplit server"), std::string::npos)
      << a.client_error;
  EXPECT_NE(a.client_error.find("--tls-ca"), std::string::npos) << a.client_error;
  EXPECT_FALSE(a.server_saw_session);
}

TEST_F(Tls, ClientRefusesACertificateForAnotherHostUnlessToldTheName) {
  const NetOptions server = server_tls(pki_.other_name_cert, pki_.other_name_key);
  const Attempt wrong = attempt(server, client_tls(pki_.ca));
  EXPECT_NE(wrong.client_error.find("cannot connect"), std::string::npos) << wrong.client_error;
  NetOptions named = client_tls(pki_.ca);
  named.tls->server_name = "other.example";
  EXPECT_EQ(attempt(server, named).client_error, "");
  // The dialled name is checked too: "localhost" is in the right certificate's names.
  EXPECT_EQ(attempt(server_tls(pki_.server_cert, pki_.server_key), client_tls(pki_.ca), "localhost")
                .client_error,
            "");
}

TEST_F(Tls, PlaintextClientCannotTalkToATlsServer) {
  NetOptions clear;
  clear.connect_timeout = std::chrono::milliseconds(2'000);
  const Attempt a = attempt(server_tls(pki_.server_cert, pki_.server_key), clear);
  EXPECT_NE(a.client_error.find("cannot connect"), std::string::npos) << a.client_error;
  // ...nor a TLS client to a plaintext server.
  const Attempt b = attempt(NetOptions{}, client_tls(pki_.ca));
  EXPECT_NE(b.client_error.find("cannot connect"), std::string::npos) << b.client_error;
}

TEST_F(Tls, MutualTlsAdmitsOnlyClientsWithACertificateFromTheServersCa) {
  NetOptions server = server_tls(pki_.server_cert, pki_.server_key);
  server.tls->ca = pki_.ca;
  // No client certificate: refused (with TLS 1.3 the client may see the refusal at connect time or
  // as a dropped stream, after the server checked the certificate).
  EXPECT_NE(attempt(server, client_tls(pki_.ca)).client_error, "");
  // A certificate from another CA: refused.
  NetOptions rogue = client_tls(pki_.ca);
  rogue.tls->cert = pki_.rogue_client_cert;
  rogue.tls->key = pki_.rogue_client_key;
  EXPECT_NE(attempt(server, rogue).client_error, "");
  // The right one: admitted.
  NetOptions good = client_tls(pki_.ca);
  good.tls->cert = pki_.client_cert;
  good.tls->key = pki_.client_key;
  const Attempt ok = attempt(server, good);
  EXPECT_EQ(ok.client_error, "");
  EXPECT_TRUE(ok.server_saw_session);
}

TEST_F(Tls, BadCertificateFilesAreClearErrorsNamingTheFile) {
  const fs::path not_pem = pki_.dir / "not.pem";
  std::ofstream(not_pem) << "hello";
  auto server_error = [&](const NetOptions& options) {
    return error_of([&] {
      net::SessionServer server(
          "127.0.0.1:0", [](split::Transport&) {}, options);
    });
  };
  std::string e = server_error(server_tls(pki_.dir / "missing.pem", pki_.server_key));
  EXPECT_NE(e.find("--tls-cert"), std::string::npos) << e;
  EXPECT_NE(e.find("missing.pem"), std::string::npos) << e;
  e = server_error(server_tls(pki_.server_cert, not_pem));
  EXPECT_NE(e.find("not a PEM file"), std::string::npos) << e;
  EXPECT_NE(e.find("not.pem"), std::string::npos) << e;
  e = error_of([&] { net::ClientConnection c("127.0.0.1:1", client_tls(not_pem)); });
  EXPECT_NE(e.find("--tls-ca"), std::string::npos) << e;
}

TEST(TransportSecurityPolicy, PlaintextOnlyOnLoopbackOrWithALoudInsecureFlag) {
  using net::Role;
  EXPECT_TRUE(net::is_loopback_address("127.0.0.1:50051"));
  EXPECT_TRUE(net::is_loopback_address("127.8.0.3:0"));
  EXPECT_TRUE(net::is_loopback_address("localhost:1"));
  EXPECT_TRUE(net::is_loopback_address("[::1]:50051"));
  EXPECT_TRUE(net::is_loopback_address("ipv6:[::1]:5"));
  EXPECT_TRUE(net::is_loopback_address("unix:/tmp/hesplit.sock"));
  EXPECT_FALSE(net::is_loopback_address("0.0.0.0:50051"));
  EXPECT_FALSE(net::is_loopback_address("10.1.2.3:50051"));
  EXPECT_FALSE(net::is_loopback_address("[::]:50051"));
  EXPECT_FALSE(net::is_loopback_address("hospital.example:443"));
  EXPECT_FALSE(net::is_loopback_address("128.0.0.1:1"));

  std::ostringstream warnings;
  const NetOptions clear;
  EXPECT_NO_THROW(
      net::check_transport_security("127.0.0.1:5", Role::kServer, clear, false, warnings));
  EXPECT_EQ(warnings.str(), "");
  std::string e = error_of(
      [&] { net::check_transport_security("0.0.0.0:5", Role::kServer, clear, false, warnings); });
  EXPECT_NE(e.find("needs TLS"), std::string::npos) << e;
  EXPECT_NE(e.find("--tls-cert and --tls-key"), std::string::npos) << e;
  e = error_of(
      [&] { net::check_transport_security("10.0.0.2:5", Role::kClient, clear, false, warnings); });
  EXPECT_NE(e.find("--tls-ca"), std::string::npos) << e;
  EXPECT_NE(e.find("--insecure"), std::string::npos) << e;
  EXPECT_NO_THROW(
      net::check_transport_security("10.0.0.2:5", Role::kClient, clear, true, warnings));
  EXPECT_NE(warnings.str().find("WARNING"), std::string::npos);
  EXPECT_NE(warnings.str().find("WITHOUT TLS"), std::string::npos);

  NetOptions half;
  half.tls = TlsOptions{fs::path("a.pem"), std::nullopt, std::nullopt, std::nullopt};
  e = error_of(
      [&] { net::check_transport_security("10.0.0.2:5", Role::kServer, half, false, warnings); });
  EXPECT_NE(e.find("--tls-key"), std::string::npos) << e;
}

}  // namespace
}  // namespace hesplit::test
