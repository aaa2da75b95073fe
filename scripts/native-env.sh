# Native thread and BLAS settings for this CPU, sourced by ./ddim and bench/run (measured in
# docs/PERFORMANCE.md). A value the caller has set wins.
# - OMP_WAIT_POLICY=PASSIVE with GOMP_SPINCOUNT=100000: an idle OpenMP worker spins about 0.1 ms for the next
#   parallel region, then sleeps, instead of spinning without end against the JVM's threads (small forward pass
#   on 2 cores: 0.17 -> 0.13 s, measured when OpenBLAS's own workers spun too) or sleeping at once, which on this
#   VM made every region wait for a sleeping virtual CPU to wake (small network, OpenBLAS on one thread in plans:
#   forward at batch 1 27-37 -> 15-17 ms, at batch 16 102-115 -> 94-106 ms; training step 0.69-0.70 -> 0.42-0.55 s).
# - OPENBLAS_CORETYPE: OpenBLAS 0.3.19 (bundled with ND4J) and 0.3.21 (Debian's, under PyTorch) do not know
#   recent Xeons and fall back to their SSE3 "Prescott" kernels; the core type is chosen from the CPU flags
#   (of /proc/cpuinfo, or of the file DDIM_CPUINFO names: the tests use that).
# - GLIBC_TUNABLES glibc.malloc.hugetlb=1: glibc's malloc asks for transparent huge pages. oneDNN's scratchpads
#   and reordered copies (up to 128 MB, above glibc's 32 MB mmap threshold) are mapped and unmapped on every
#   call, so each use faulted in fresh 4 kB pages: ~1 M page faults and 9-11 s of system time per 64x64 training
#   step at batch 8 -> ~4 k faults, 1.6 s. (A glibc before 2.35 ignores the tunable; so does a kernel whose
#   transparent huge pages are off.)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-100000}"
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
