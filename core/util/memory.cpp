#include "core/util/memory.h"

#include <cstdlib> // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kdna {

void tuneAllocatorForTensors()
{
#if defined(__GLIBC__)
    // 32 MB is the largest mmap threshold glibc accepts on 64-bit; the trim threshold keeps up
    // to 512 MB of free heap before giving it back, enough for a chunk's or a batch's maps.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

void releaseFreeMemory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

} // namespace kdna
