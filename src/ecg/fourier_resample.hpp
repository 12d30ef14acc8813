#pragma once
// Fourier-method resampling of a real signal, computing what scipy.signal.resample(x, num) computes
// for real input: rfft, keep the lowest min(num, n)//2 + 1 bins, double (down-sampling) or halve
// (up-sampling) the Nyquist bin when min(num, n) is even, irfft of length num (which ignores the
// imaginary part of a Nyquist bin), scale by num / n. FFTs by FFTW.
//
// Threads: FFTW's planner is not thread-safe (construction takes a process-wide lock for it), its
// execution is: share one FourierResampler, give every thread its own Workspace and call
// resample() concurrently.
#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace hesplit::ecg {

class FourierResampler {
 public:
  FourierResampler(std::size_t in_length, std::size_t out_length);
  ~FourierResampler();
  FourierResampler(const FourierResampler&) = delete;
  FourierResampler& operator=(const FourierResampler&) = delete;

  // Scratch buffers for one thread.
  class Workspace {
   public:
    explicit Workspace(const FourierResampler& r);

   private:
    friend class FourierResampler;
    std::vector<double> real_in;
    std::vector<std::complex<double>> spectrum_in;
    std::vector<std::complex<double>> spectrum_out;
  };

  std::size_t in_length() const { return in_length_; }
  std::size_t out_length() const { return out_length_; }

  // in.size() == in_length(), out.size() == out_length().
  void resample(std::span<const double> in, std::span<double> out, Workspace& work) const;

 private:
  struct Plans;
  std::size_t in_length_;
  std::size_t out_length_;
  std::unique_ptr<Plans> plans_;
};

}  // namespace hesplit::ecg
