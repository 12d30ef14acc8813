"""Oracle for the resampling and denoising test: reads N raw beat windows (float64, N x L,
little-endian), resamples each to 128 samples with scipy.signal.resample and denoises it with
pywt.wavedec / pywt.threshold(soft) / pywt.waverec (bior4.4, pywt's default mode, maximum level,
threshold 0.005*sqrt(2*log2(128)) on every coefficient array), one beat at a time as the paper's
code does. Writes the resampled and the denoised beats (float64, N x 128 each)."""
import sys

import numpy as np
import pywt
import scipy.signal


def main(windows_file, length, resampled_file, denoised_file):
    length = int(length)
    windows = np.fromfile(windows_file, dtype="<f8").reshape(-1, length)
    threshold = 0.005 * np.sqrt(2 * np.log2(128))
    resampled = np.empty((windows.shape[0], 128))
    denoised = np.empty((windows.shape[0], 128))
    for i, window in enumerate(windows):
        beat = scipy.signal.resample(window, 128)
        coeffs = pywt.wavedec(beat, "bior4.4")
        coeffs = [pywt.threshold(c, threshold, mode="soft") for c in coeffs]
        resampled[i] = beat
        denoised[i] = pywt.waverec(coeffs, "bior4.4")
    resampled.astype("<f8").tofile(resampled_file)
    denoised.astype("<f8").tofile(denoised_file)
    print(windows.shape[0], "beats")


if __name__ == "__main__":
    main(*sys.argv[1:])
