#pragma once
// Large fresh allocations mapped in one go. A buffer touched for the first time takes one page fault
// per 4 kB page; on the virtual machines nanomix is measured on each costs ~12-17 µs (a 1536 x 512
// float image: ~0.75 k faults, ~10 ms). prefault() asks the kernel to map a buffer's pages in one
// system call (madvise MADV_POPULATE_WRITE): about half the cost per page. (Transparent huge pages
// for the same buffers, tried too, made frames slower: compaction and 2 MB zeroing.) Contents are
// unchanged (a fresh page reads 0 either way); where the kernel lacks the call (Linux < 5.14, other
// systems) it does nothing.
#include <cstddef>
#include <vector>

namespace nanomix {

/// Maps the whole pages inside [data, data + bytes) now (see above).
void prefault(void* data, std::size_t bytes);

/// v.reserve(n), with new storage prefaulted (to be filled by assign or push_back: no zero fill).
template <class T>
void reserve_prefaulted(std::vector<T>& v, std::size_t n) {
  if (n <= v.capacity()) return;
  std::vector<T> fresh;
  fresh.reserve(n);
  prefault(fresh.data(), n * sizeof(T));
  fresh.assign(v.begin(), v.end());
  v.swap(fresh);
}

}  // namespace nanomix
