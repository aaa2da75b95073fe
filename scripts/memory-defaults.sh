# Sourced by ./ddim: default memory limits from the memory this process may use (the cgroup's limit where one is
# set, else the machine's), so that ND4J collects its native arrays before the kernel's OOM killer acts.
# Sets ddim_heap, ddim_offheap, ddim_physical (each overridable by DDIM_HEAP, DDIM_OFFHEAP, DDIM_PHYSICAL):
#   physical: 3/4 of memory (JavaCPP forces a collection above it, and fails an allocation beyond it)
#   off-heap: 5/12 of memory (ND4J's arrays)
#   heap:     1/4 of memory, at most 6 GiB (ddim4j keeps tensors off the heap)
# 24 GiB gives 18G / 10G / 6g, the fixed values before. DDIM_MEM_KB overrides the detected memory (for tests, and
# for processes sharing the machine: docs/quality/run-recipe-sweeps.sh gives each of its processes its share).
ddim_mem_kb="${DDIM_MEM_KB:-}"
if [[ -z "$ddim_mem_kb" ]]; then
  ddim_mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)
  for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    if [[ -r "$f" ]]; then
      limit=$(cat "$f")
      if [[ "$limit" =~ ^[0-9]+$ ]] && [[ -n "$ddim_mem_kb" ]] && (( limit / 1024 < ddim_mem_kb )); then
        ddim_mem_kb=$(( limit / 1024 ))
      fi
    fi
  done
fi
if ! [[ "$ddim_mem_kb" =~ ^[0-9]+$ ]] || (( ddim_mem_kb < 1048576 )); then
  ddim_mem_kb=1048576                                           # unknown or under 1 GiB: plan for 1 GiB
fi
ddim_mem_mb=$(( ddim_mem_kb / 1024 ))
heap_mb=$(( ddim_mem_mb / 4 )); (( heap_mb > 6144 )) && heap_mb=6144
ddim_heap="${DDIM_HEAP:-${heap_mb}m}"
ddim_offheap="${DDIM_OFFHEAP:-$(( ddim_mem_mb * 5 / 12 ))M}"
ddim_physical="${DDIM_PHYSICAL:-$(( ddim_mem_mb * 3 / 4 ))M}"
