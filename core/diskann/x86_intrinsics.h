#pragma once

// The x86 intrinsics of the files that choose their kernels at run time: QUIVER_DISKANN_X86 is
// defined where they exist (GCC or Clang on x86-64, whose target attributes those files use).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12's AVX-512 headers initialise "undefined" vectors from themselves, which
// -Wuninitialized reports inside the header; the kernels read no uninitialised data.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#define QUIVER_DISKANN_X86 1
#endif
