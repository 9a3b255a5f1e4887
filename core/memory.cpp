#include "core/memory.hpp"

#include <cstdint>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace nanomix {

void prefault(void* data, std::size_t bytes) {
#ifdef __linux__
  constexpr std::size_t small = std::size_t{1} << 18;  // below 256 kB the faults cost too little to matter
  if (!data || bytes < small) return;
  static const std::uintptr_t page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(page - 1);
  if (end <= begin) return;
  void* p = reinterpret_cast<void*>(begin);
  const std::size_t length = end - begin;
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older kernels refuse it (EINVAL) and nothing happens
#endif
  madvise(p, length, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace nanomix
