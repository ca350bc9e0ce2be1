// A software prefetch hint, which Swift cannot express: asks the CPU to bring a cache line in ahead of use.
#ifndef CPREFETCH_H
#define CPREFETCH_H
static inline void sentinel_prefetch(const void *address) { __builtin_prefetch(address, 0, 1); }
#endif
