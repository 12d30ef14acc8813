// Checkpoints must load in Python PyTorch (Debian's python3-torch) and give the same logits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "nn/client_front.hpp"
#include "nn/server_head.hpp"
#include "test_data.hpp"

namespace hesplit::nn {
namespace {

void write_floats(const std::filesystem::path& file, const std::vector<float>& values) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(float)));
}

TEST(PythonCheckpoint, TorchLoadReadsBothHalvesAndComputesTheSameLogits) {
  if (std::system("/usr/bin/python3 -c 'import torch, numpy' > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with torch and numpy (python3-torch) is not installed";
  }
  const auto dir = test::scratch_dir("nn_python_checkpoint");
  constexpr std::size_t n = 6;
  std::vector<float> beats(n * kInputLength);
  for (std::size_t i = 0; i < beats.size(); ++i) beats[i] = static_cast<float>(std::cos(0.03 * i));
  ClientFront front(11, 1e-3);
  ServerHead head(kSplitFeatures, 5, 11, 1e-2);
  // One training step so the saved weights are not just the initialisation.
  const FloatTensor a = front.forward(beats, n);
  head.forward(a);
  front.backward_and_step(head.backward(FloatTensor{{n, 5}, std::vector<float>(n * 5, 0.01f)}));
  head.step();
  front.save(dir / "client_front.pt");
  head.save(dir / "server_head.pt");
  write_floats(dir / "input.f32", beats);
  write_floats(dir / "expected.f32", head.infer(front.infer(beats, n)).data);

  const std::string command =
      "/usr/bin/python3 " HESPLIT_PYTHON_CHECKPOINT_SCRIPT " " +
      (dir / "client_front.pt").string() + " " + (dir / "server_head.pt").string() + " " +
      (dir / "input.f32").string() + " " + (dir / "expected.f32").string() + " 6 5";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(PythonCheckpoint, InitialWeightsEqualPyTorchsForTheSameSeed) {
  if (std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with torch (python3-torch) is not installed";
  }
  const auto dir = test::scratch_dir("nn_python_init");
  for (const std::uint64_t seed : {0u, 5u}) {
    ClientFront(seed, 1e-3).save(dir / "front.pt");
    ServerHead(kSplitFeatures, 5, seed, 1e-2).save(dir / "head.pt");
    const std::string command = "/usr/bin/python3 " HESPLIT_PYTHON_INIT_SCRIPT " " +
                                std::to_string(seed) + " 5 " + (dir / "front.pt").string() + " " +
                                (dir / "head.pt").string();
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
  }
}

}  // namespace
}  // namespace hesplit::nn
