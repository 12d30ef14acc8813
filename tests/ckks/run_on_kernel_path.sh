#!/usr/bin/env bash
# Runs one CKKS test binary with its kernels forced onto a path (issue 21):
#   run_on_kernel_path.sh avx2|ifma|scalar BINARY [gtest args...]
# Exits 77 (ctest's skip) when this CPU cannot run the path, so the entry is skipped, not failed.
set -euo pipefail
path=$1
shift
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { [[ " $flags " == *" $1 "* ]]; }
case $path in
  avx2) has avx2 && has fma || { echo "this CPU has no AVX2 + FMA: skipped"; exit 77; } ;;
  ifma) has avx512ifma && has avx512vl && has avx512dq || { echo "no AVX-512 IFMA: skipped"; exit 77; } ;;
  scalar) ;;
  *) echo "unknown kernel path $path" >&2; exit 2 ;;
esac
HESPLIT_CKKS_KERNELS=$path exec "$@"
