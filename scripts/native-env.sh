# Native thread and BLAS settings for this CPU, sourced by ./ddim and bench/run (measured in
# docs/PERFORMANCE.md). A value the caller has set wins.
# - OMP_WAIT_POLICY=PASSIVE: idle OpenMP workers sleep instead of spinning against the JVM's and libnd4j's
#   own threads (small forward pass on 2 cores: 0.17 -> 0.13 s).
# - OPENBLAS_CORETYPE: OpenBLAS 0.3.19 (bundled with ND4J) and 0.3.21 (Debian's, under PyTorch) do not know
#   recent Xeons and fall back to their SSE3 "Prescott" kernels; the core type is chosen from the CPU flags
#   (of /proc/cpuinfo, or of the file DDIM_CPUINFO names: the tests use that).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  _ddim_flags=" $(grep -m1 '^flags' "${DDIM_CPUINFO:-/proc/cpuinfo}" 2>/dev/null || true) "
  if [[ "$_ddim_flags" == *" avx512f "* && "$_ddim_flags" == *" avx512bw "* && "$_ddim_flags" == *" avx512vl "* \
        && "$_ddim_flags" == *" avx512dq "* ]]; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif [[ "$_ddim_flags" == *" avx2 "* && "$_ddim_flags" == *" fma "* ]]; then
    export OPENBLAS_CORETYPE=Haswell
  fi
  unset _ddim_flags
fi
