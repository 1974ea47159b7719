#pragma once

namespace kdna {

/// Sets the C allocator up for tensor work: blocks up to 32 MB come from the heap and freed
/// memory stays there for the next batch or chunk, instead of being unmapped and faulted in
/// again (which cost more than the convolutions in whole-genome prediction). Call once at
/// start-up, before threads. Does nothing where the C library is not glibc.
void tuneAllocatorForTensors();

/// Hands freed heap memory back to the system; call after a large job (training, prediction)
/// so a long-running program does not keep the job's peak.
void releaseFreeMemory();

} // namespace kdna
