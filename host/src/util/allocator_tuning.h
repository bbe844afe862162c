// allocator_tuning.h - glibc malloc settings for a process that passes large
// messages (a 1 MiB file read becomes a 1 MiB string, a 1 MiB JSON reply and a
// 1 MiB write, each freed right after).
//
// By default glibc serves blocks of 128 KiB and more (a threshold it raises
// as such blocks are freed, up to 32 MiB) with mmap and gives them back with
// munmap, so every large result paid for fresh pages: page faults and page
// clearing were ~25% of a 1 MiB read_text_file (perf), and the call cost 3-4.6
// ms of CPU; with these settings 1.3-1.7 ms. The price: up to the trim
// threshold of freed memory may stay mapped per malloc arena after a burst of
// large results (it is reused by the next ones). Blocks over 32 MiB still come
// from mmap and go back at once. Call once at start, before threads.
#pragma once

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace mcph {

inline void TuneAllocatorForLargeMessages() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

}  // namespace mcph
