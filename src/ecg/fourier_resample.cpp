// scipy.signal.resample's real-input path on FFTW plans.
#include "fourier_resample.hpp"

#include <fftw3.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>

namespace hesplit::ecg {

namespace {

fftw_complex* as_fftw(std::complex<double>* p) { return reinterpret_cast<fftw_complex*>(p); }

// FFTW's planner keeps process-wide state and must not run on two threads at once; this lock
// makes constructing resamplers safe from any thread (executing plans needs no lock).
std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

// Plans are made with FFTW_ESTIMATE (deterministic: no timing-dependent algorithm choice, so the
// same input always gives the same bits) and FFTW_UNALIGNED (any std::vector may be passed to the
// new-array execute functions).
struct FourierResampler::Plans {
  fftw_plan forward = nullptr;
  fftw_plan inverse = nullptr;
  ~Plans() {
    const std::lock_guard lock(fftw_planner_mutex());
    if (forward != nullptr) fftw_destroy_plan(forward);
    if (inverse != nullptr) fftw_destroy_plan(inverse);
  }
};

FourierResampler::FourierResampler(std::size_t in_length, std::size_t out_length)
    : in_length_(in_length), out_length_(out_length), plans_(std::make_unique<Plans>()) {
  if (in_length < 1 || out_length < 1 || in_length > (1u << 24) || out_length > (1u << 24)) {
    throw std::invalid_argument("FourierResampler: lengths must be in 1 .. 2^24, got " +
                                std::to_string(in_length) + " -> " + std::to_string(out_length));
  }
  Workspace scratch(*this);
  std::vector<double> real_out(out_length);
  const unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
  const std::lock_guard lock(fftw_planner_mutex());
  plans_->forward = fftw_plan_dft_r2c_1d(static_cast<int>(in_length), scratch.real_in.data(),
                                         as_fftw(scratch.spectrum_in.data()), flags);
  plans_->inverse = fftw_plan_dft_c2r_1d(
      static_cast<int>(out_length), as_fftw(scratch.spectrum_out.data()), real_out.data(), flags);
  if (plans_->forward == nullptr || plans_->inverse == nullptr) {
    throw std::runtime_error("FourierResampler: FFTW could not plan the transforms");
  }
}

FourierResampler::~FourierResampler() = default;

FourierResampler::Workspace::Workspace(const FourierResampler& r)
    : real_in(r.in_length_),
      spectrum_in(r.in_length_ / 2 + 1),
      spectrum_out(r.out_length_ / 2 + 1) {}

void FourierResampler::resample(std::span<const double> in, std::span<double> out,
                                Workspace& work) const {
  if (in.size() != in_length_ || out.size() != out_length_) {
    throw std::invalid_argument("FourierResampler::resample: wrong buffer sizes");
  }
  std::copy(in.begin(), in.end(), work.real_in.begin());
  fftw_execute_dft_r2c(plans_->forward, work.real_in.data(), as_fftw(work.spectrum_in.data()));

  // Keep the bins both spectra share; the rest of the output spectrum stays zero.
  const std::size_t n = std::min(in_length_, out_length_);
  std::fill(work.spectrum_out.begin(), work.spectrum_out.end(), std::complex<double>{});
  std::copy_n(work.spectrum_in.begin(), n / 2 + 1, work.spectrum_out.begin());
  if (n % 2 == 0) {
    // The Nyquist bin of the shorter length stands for both +n/2 and -n/2: when down-sampling the
    // input's two halves add up (x2); when up-sampling the output splits it in two (x0.5).
    auto& nyquist = work.spectrum_out[n / 2];
    if (out_length_ < in_length_) nyquist *= 2.0;
    if (in_length_ < out_length_) nyquist *= 0.5;
  }
  // A real inverse of even length uses only the real part of its Nyquist bin (as pocketfft's
  // irfft does); FFTW leaves that case unspecified, so clear it explicitly.
  if (out_length_ % 2 == 0) work.spectrum_out[out_length_ / 2].imag(0.0);
  work.spectrum_out[0].imag(0.0);

  fftw_execute_dft_c2r(plans_->inverse, as_fftw(work.spectrum_out.data()), out.data());
  // irfft divides by out_length, resample multiplies by out_length / in_length.
  const double scale = 1.0 / static_cast<double>(in_length_);
  for (double& v : out) v *= scale;
}

}  // namespace hesplit::ecg
