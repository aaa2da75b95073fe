# Native thread and BLAS settings for this CPU, sourced by ./ddim and bench/run (measured in
# docs/PERFORMANCE.md). A value the caller has set wins.
# - OMP_WAIT_POLICY=PASSIVE: idle OpenMP workers sleep instead of spinning against the JVM's and libnd4j's
#   own threads (small forward pass on 2 cores: 0.17 -> 0.13 s).
# - OPENBLAS_CORETYPE: OpenBLAS 0.3.19 (bundled with ND4J) and 0.3.21 (Debian's, under PyTorch) do not know
#   recent Xeons and fall back to their SSE3 "Prescott" kernels; the core type is chosen from the CPU flags
#   (of /proc/cpuinfo, or of the file DDIM_CPUINFO names: the tests use that).
# - OPENBLAS_THREAD_TIMEOUT=4: OpenBLAS's idle worker threads sleep after 2^4 cycles instead of calling
#   sched_yield for 2^28 (about 0.1 s) after every product, which on 2 cores took one core from the OpenMP
#   threads for most of a training step (small network, batch 16: 250-310 ms of system time per step -> 50).
# - GLIBC_TUNABLES glibc.malloc.hugetlb=1: glibc's malloc asks for transparent huge pages. oneDNN's scratchpads
#   and reordered copies (up to 128 MB, above glibc's 32 MB mmap threshold) are mapped and unmapped on every
#   call, so each use faulted in fresh 4 kB pages: ~1 M page faults and 9-11 s of system time per 64x64 training
#   step at batch 8 -> ~4 k faults, 1.6 s. (A glibc before 2.35 ignores the tunable; so does a kernel whose
#   transparent huge pages are off.)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}"
if [[ "${GLIBC_TUNABLES:-}" != *glibc.malloc.hugetlb=* ]]; then
  export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"
fi
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
