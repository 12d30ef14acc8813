#pragma once
// Test support for the security and load tests: certificates made at test time with the openssl
// command line (a CA, a server certificate for 127.0.0.1/localhost, a client certificate, and a
// second, unrelated "rogue" CA with its own server certificate), and a plain training session run
// over a real gRPC stream with given NetOptions on both sides.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "beat_fixture.hpp"
#include "net/client_connection.hpp"
#include "net/session_server.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/session/server_options.hpp"
#include "split/trainer.hpp"
#include "test_data.hpp"

namespace hesplit::test {

namespace fs = std::filesystem;

// Runs a shell command; returns its exit status.
inline int run_shell(const std::string& command) { return std::system(command.c_str()); }

struct TestPki {
  fs::path dir;
  fs::path ca, ca_key, server_cert, server_key, client_cert, client_key;
  fs::path rogue_ca, rogue_server_cert, rogue_server_key;  // chain to an unrelated CA
  fs::path other_name_cert, other_name_key;                // right CA, names only other.example
  fs::path rogue_client_cert, rogue_client_key;
};

// Makes a fresh PKI in `dir` with P-256 keys valid for two days. Returns false (and the caller
// fails) when openssl is missing: scripts/setup installs it.
inline bool make_test_pki(const fs::path& dir, TestPki& pki) {
  pki.dir = dir;
  const std::string d = dir.string();
  const std::string newkey = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  auto ca = [&](const std::string& name) {
    return "openssl req -x509" + newkey + "-keyout " + d + "/" + name + ".key -out " + d + "/" +
           name + ".pem -days 2 -subj /CN=" + name + " 2>/dev/null";
  };
  auto leaf = [&](const std::string& name, const std::string& ca_name, const std::string& san) {
    const std::string ext = d + "/" + name + ".ext";
    std::ofstream(ext) << "basicConstraints=CA:FALSE\n"
                       << (san.empty() ? "" : "subjectAltName=" + san + "\n");
    return "openssl req" + newkey + "-keyout " + d + "/" + name + ".key -out " + d + "/" + name +
           ".csr -subj /CN=" + name + " 2>/dev/null && openssl x509 -req -in " + d + "/" + name +
           ".csr -CA " + d + "/" + ca_name + ".pem -CAkey " + d + "/" + ca_name +
           ".key -CAcreateserial -out " + d + "/" + name + ".pem -days 2 -extfile " + ext +
           " 2>/dev/null";
  };
  const std::string script =
      ca("ca") + " && " + ca("rogue-ca") + " && " +
      leaf("server", "ca", "IP:127.0.0.1,DNS:localhost") + " && " + leaf("client", "ca", "") +
      " && " + leaf("rogue-server", "rogue-ca", "IP:127.0.0.1,DNS:localhost") + " && " +
      leaf("other-name", "ca", "DNS:other.example") + " && " + leaf("rogue-client", "rogue-ca", "");
  if (run_shell(script) != 0) return false;
  pki.ca = dir / "ca.pem";
  pki.ca_key = dir / "ca.key";
  pki.server_cert = dir / "server.pem";
  pki.server_key = dir / "server.key";
  pki.client_cert = dir / "client.pem";
  pki.client_key = dir / "client.key";
  pki.rogue_ca = dir / "rogue-ca.pem";
  pki.rogue_server_cert = dir / "rogue-server.pem";
  pki.rogue_server_key = dir / "rogue-server.key";
  pki.other_name_cert = dir / "other-name.pem";
  pki.other_name_key = dir / "other-name.key";
  pki.rogue_client_cert = dir / "rogue-client.pem";
  pki.rogue_client_key = dir / "rogue-client.key";
  return true;
}

template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

inline std::string outcome_error(const net::SessionOutcome& outcome) {
  return error_of([&] {
    if (outcome.error) std::rethrow_exception(outcome.error);
  });
}

inline split::TrainOptions small_training(std::uint64_t seed = 0) {
  split::TrainOptions options;
  options.epochs = 1;
  options.batch_size = 4;
  options.max_batches = 6;
  options.eval_chunk = 16;
  options.seed = seed;
  return options;
}

// The client half of a plain session against `address`.
inline split::TrainingResult train_plain_client(const std::string& address,
                                                const net::NetOptions& net_options,
                                                const ecg::BeatDataset& data,
                                                const split::TrainOptions& options) {
  split::TrainingObserver observer;
  nn::ClientFront front(options.seed, options.client_lr);
  net::ClientConnection connection(address, net_options);
  split::PlainRemoteHead head(
      connection, {options.seed, options.server_lr, nn::kSplitFeatures, 5, options.batch_size});
  split::TrainingResult result = split::train(front, head, data, 5, options, observer);
  connection.close();
  return result;
}

// Results equal to the last bit: every epoch's loss and accuracies, and the confusion matrix.
inline void expect_same_results(const split::TrainingResult& a, const split::TrainingResult& b) {
  ASSERT_EQ(a.epochs.size(), b.epochs.size());
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    EXPECT_EQ(a.epochs[e].train_loss, b.epochs[e].train_loss) << "epoch " << e + 1;
    EXPECT_EQ(a.epochs[e].train_accuracy, b.epochs[e].train_accuracy) << "epoch " << e + 1;
    EXPECT_EQ(a.epochs[e].test_accuracy, b.epochs[e].test_accuracy) << "epoch " << e + 1;
  }
  EXPECT_EQ(a.confusion_matrix, b.confusion_matrix);
}

}  // namespace hesplit::test
