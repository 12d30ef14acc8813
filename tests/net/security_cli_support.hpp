#pragma once
// Test support for the attacks on real `hesplit server` / `hesplit client` processes (issue 20):
// a scratch folder with a small HDF5 dataset and token files, and the argument lists of a plain
// server and client on loopback.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "ecg/beat_dataset.hpp"

namespace hesplit::test {

inline constexpr const char* kGoodToken = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kWrongToken = "fedcba9876543210fedcba9876543210";

// One folder per test with fixture.h5, `token` and `wrong-token`.
inline fs::path security_scratch(const std::string& name) {
  const fs::path dir = scratch_dir(name + "_" + std::to_string(::getpid()));
  ecg::write_beat_dataset(dir / "fixture.h5", synthetic_dataset(64, 32));
  std::ofstream(dir / "token") << kGoodToken << "\n";
  std::ofstream(dir / "wrong-token") << kWrongToken << "\n";
  return dir;
}

// A plain client of one epoch capped at `batches` training batches, with its run in dir/run.
inline std::vector<std::string> plain_client(const fs::path& dir, const std::string& address,
                                             const std::string& run, std::size_t batches = 1) {
  return {"client",
          "--mode",
          "plain",
          "--connect",
          address,
          "--data",
          (dir / "fixture.h5").string(),
          "--epochs",
          "1",
          "--batch",
          "8",
          "--max-batches",
          std::to_string(batches),
          "--out",
          (dir / run).string(),
          "--no-busy-poll"};
}

inline std::vector<std::string> with(std::vector<std::string> args,
                                     const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Occurrences of `needle` in `text`.
inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

}  // namespace hesplit::test
