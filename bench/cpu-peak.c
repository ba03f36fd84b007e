// bench/cpu-peak.c: the float32 FMA peak of one core, in GFLOP/s: twelve independent chains of
// fused multiply-adds in the widest vectors the CPU has (AVX-512, else AVX2), nothing else.
// bench/cpu-routes.sh runs one copy per thread at once, so the sum is the machine's ceiling for
// any float32 matrix-product route (a route cannot beat it). Build: gcc -O3 -funroll-all-loops.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define CHAINS 12
#define ROUNDS 200000000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx512f"))) static double avx512(float *sink) {
  __m512 a[CHAINS], b = _mm512_set1_ps(1.0000001f), c = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
  double t0 = now();
  for (long k = 0; k < ROUNDS; k++)
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_fmadd_ps(a[i], b, c);
  double t = now() - t0;
  for (int i = 0; i < CHAINS; i++) *sink += _mm512_reduce_add_ps(a[i]);  // keeps the chains live
  return ROUNDS * CHAINS * 16.0 * 2 / t / 1e9;
}

__attribute__((target("avx2,fma"))) static double avx2(float *sink) {
  __m256 a[CHAINS], b = _mm256_set1_ps(1.0000001f), c = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm256_set1_ps((float)i);
  double t0 = now();
  for (long k = 0; k < ROUNDS; k++)
    for (int i = 0; i < CHAINS; i++) a[i] = _mm256_fmadd_ps(a[i], b, c);
  double t = now() - t0;
  float lanes[8];
  for (int i = 0; i < CHAINS; i++) {
    _mm256_storeu_ps(lanes, a[i]);
    for (int j = 0; j < 8; j++) *sink += lanes[j];
  }
  return ROUNDS * CHAINS * 8.0 * 2 / t / 1e9;
}

int main(void) {
  float sink = 0;
  if (__builtin_cpu_supports("avx512f")) {
    printf("PEAK isa=avx512f gflops=%.1f\n", avx512(&sink));
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    printf("PEAK isa=avx2 gflops=%.1f\n", avx2(&sink));
  } else {
    printf("PEAK isa=none\n");
    return 1;
  }
  return sink == 42.0f;  // never true; the sink cannot be optimised away
}
