// Fused ReLU + dropout with a counter-based RNG, as a custom autograd function.
//
// Why: at::dropout on CPU builds its mask with bernoulli_, which without MKL draws one number at a
// time from the mt19937 generator under a lock (a third of a small CNN's training step), then
// multiplies in two more passes; ReLU is another pass and saves another tensor. Here one pass reads x
// and writes y, the mask is a hash of (seed, element index) that vectorizes, and backward needs only y.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>
#include <immintrin.h>
#include <cmath>
#include <mutex>
#include "fused.h"
#include "replica.h"
#include "guard.h"

namespace {

// murmur3's 32-bit finalizer: a bijection with full avalanche.
inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// Uniform 32-bit draw for element i under a 64-bit seed: two keyed rounds of fmix32 (distinct seeds
// give unrelated streams; consecutive i give independent-looking bits). Counter-based, so the mask
// does not depend on the thread count or on how the work is split.
inline uint32_t draw(uint32_t i, uint32_t k0, uint32_t k1) { return fmix32(fmix32(i ^ k0) + k1); }

// Keep element i when draw >= threshold; threshold = round(p * 2^32), so P(keep) = 1 - p within 2^-32.
// p == 1 is handled by the callers (everything dropped).
inline uint32_t threshold_for(double p) {
  double t = std::nearbyint(p * 4294967296.0);
  return t >= 4294967295.0 ? 4294967295u : static_cast<uint32_t>(t);
}

template <typename T>
inline __attribute__((always_inline)) void relu_dropout_body(const T* x, T* y, int64_t begin, int64_t end,
                                                              uint32_t thr, uint32_t k0, uint32_t k1, T scale) {
  for (int64_t i = begin; i < end; i++) {
    uint32_t u = draw(static_cast<uint32_t>(i), k0, k1);
    T v = x[i];
    y[i] = (u >= thr && v > T(0)) ? v * scale : T(0);
  }
}

template <typename T>
inline __attribute__((always_inline)) void relu_dropout_backward_body(const T* gy, const T* y, T* gx, int64_t begin,
                                                                       int64_t end, T scale) {
  for (int64_t i = begin; i < end; i++) gx[i] = y[i] > T(0) ? gy[i] * scale : T(0);
}

// float32 has hand-written AVX2 loops: GCC leaves the scalar bodies unvectorized ("control flow in
// loop": under -ftrapping-math it will not turn the float compares into selects), and with branches
// the random keep/drop and sign patterns mispredict about half the time (~5 ns per element, 40 % of a
// Mnist8k step). The vector loops compute the same hash and the same float products as the scalar
// bodies, so the two paths give identical bits; the scalar body finishes each tail and serves CPUs
// without AVX2 and float64.
__attribute__((target("avx2"))) inline __m256i fmix32_avx2(__m256i h) {
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32(static_cast<int>(0x85ebca6bu)));
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 13));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32(static_cast<int>(0xc2b2ae35u)));
  return _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
}

__attribute__((target("avx2"))) void relu_dropout_f32_avx2(const float* x, float* y, int64_t b, int64_t e,
                                                           uint32_t thr, uint32_t k0, uint32_t k1, float scale) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i vk0 = _mm256_set1_epi32(static_cast<int>(k0)), vk1 = _mm256_set1_epi32(static_cast<int>(k1));
  const __m256i vthr = _mm256_set1_epi32(static_cast<int>(thr));
  const __m256 vscale = _mm256_set1_ps(scale), zero = _mm256_setzero_ps();
  int64_t i = b;
  for (; i + 8 <= e; i += 8) {
    __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(i))), lane);
    __m256i u = fmix32_avx2(_mm256_add_epi32(fmix32_avx2(_mm256_xor_si256(idx, vk0)), vk1));
    __m256i keep = _mm256_cmpeq_epi32(_mm256_max_epu32(u, vthr), u);  // unsigned u >= thr
    __m256 v = _mm256_loadu_ps(x + i);
    __m256 mask = _mm256_and_ps(_mm256_castsi256_ps(keep), _mm256_cmp_ps(v, zero, _CMP_GT_OQ));
    _mm256_storeu_ps(y + i, _mm256_and_ps(_mm256_mul_ps(v, vscale), mask));
  }
  relu_dropout_body(x, y, i, e, thr, k0, k1, scale);
}

__attribute__((target("avx2"))) void relu_dropout_backward_f32_avx2(const float* gy, const float* y, float* gx,
                                                                    int64_t b, int64_t e, float scale) {
  const __m256 vscale = _mm256_set1_ps(scale), zero = _mm256_setzero_ps();
  int64_t i = b;
  for (; i + 8 <= e; i += 8) {
    __m256 mask = _mm256_cmp_ps(_mm256_loadu_ps(y + i), zero, _CMP_GT_OQ);
    _mm256_storeu_ps(gx + i, _mm256_and_ps(_mm256_mul_ps(_mm256_loadu_ps(gy + i), vscale), mask));
  }
  relu_dropout_backward_body(gy, y, gx, i, e, scale);
}

const bool kHasAvx2 = __builtin_cpu_supports("avx2");

void relu_dropout_kernel(const float* x, float* y, int64_t b, int64_t e, uint32_t thr, uint32_t k0, uint32_t k1,
                         float scale) {
  if (kHasAvx2) relu_dropout_f32_avx2(x, y, b, e, thr, k0, k1, scale);
  else relu_dropout_body(x, y, b, e, thr, k0, k1, scale);
}
void relu_dropout_kernel(const double* x, double* y, int64_t b, int64_t e, uint32_t thr, uint32_t k0, uint32_t k1,
                         double scale) { relu_dropout_body(x, y, b, e, thr, k0, k1, scale); }
void relu_dropout_backward_kernel(const float* gy, const float* y, float* gx, int64_t b, int64_t e, float scale) {
  if (kHasAvx2) relu_dropout_backward_f32_avx2(gy, y, gx, b, e, scale);
  else relu_dropout_backward_body(gy, y, gx, b, e, scale);
}
void relu_dropout_backward_kernel(const double* gy, const double* y, double* gx, int64_t b, int64_t e,
                                  double scale) { relu_dropout_backward_body(gy, y, gx, b, e, scale); }

constexpr int64_t kGrain = 32768;

at::Tensor relu_dropout_forward(const at::Tensor& input, double p, uint64_t seed) {
  // Keeps the input's layout (channels-last stays channels-last); the mask runs over storage order.
  auto x = input.contiguous(input.suggest_memory_format());
  auto y = at::empty_like(x);
  if (p >= 1) return y.zero_();
  TORCH_CHECK(x.numel() <= static_cast<int64_t>(UINT32_MAX), "fused dropout: at most 2^32 elements per call");
  uint32_t thr = threshold_for(p), k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "nt_relu_dropout", [&] {
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* yp = y.data_ptr<scalar_t>();
    scalar_t scale = static_cast<scalar_t>(1.0 / (1.0 - p));
    at::parallel_for(0, x.numel(), kGrain, [&](int64_t b, int64_t e) { relu_dropout_kernel(xp, yp, b, e, thr, k0, k1, scale); });
  });
  return y;
}

at::Tensor relu_dropout_backward(const at::Tensor& grad_output, const at::Tensor& y, double p) {
  // y is dense in its own layout; the gradient is brought to the same strides so the flat loop pairs them.
  auto gy = grad_output.contiguous(y.suggest_memory_format());
  auto gx = at::empty_like(y);
  if (p >= 1) return gx.zero_();
  AT_DISPATCH_FLOATING_TYPES(y.scalar_type(), "nt_relu_dropout_backward", [&] {
    const scalar_t* gp = gy.data_ptr<scalar_t>();
    const scalar_t* yp = y.data_ptr<scalar_t>();
    scalar_t* gxp = gx.data_ptr<scalar_t>();
    scalar_t scale = static_cast<scalar_t>(1.0 / (1.0 - p));
    at::parallel_for(0, y.numel(), kGrain, [&](int64_t b, int64_t e) { relu_dropout_backward_kernel(gp, yp, gxp, b, e, scale); });
  });
  return gx;
}

struct ReluDropout : public torch::autograd::Function<ReluDropout> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, double p, int64_t seed) {
    auto y = relu_dropout_forward(x, p, static_cast<uint64_t>(seed));
    ctx->saved_data["p"] = p;
    ctx->save_for_backward({y});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto y = ctx->get_saved_variables()[0];
    auto p = ctx->saved_data["p"].toDouble();
    return {relu_dropout_backward(grads[0], y, p), at::Tensor(), at::Tensor()};
  }
};

uint64_t draw_from_generator() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return at::check_generator<at::CPUGeneratorImpl>(gen)->random64();
}

// A replica thread's own seeds (replica.h): the n-th call under key k uses splitmix64(k + n·golden), so
// concurrent replicas never race for the shared generator and their masks are reproducible.
struct SeedStream {
  bool active = false;
  uint64_t key = 0, calls = 0;
};
thread_local SeedStream t_stream;

uint64_t splitmix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t draw_seed() {
  if (!t_stream.active) return draw_from_generator();
  return splitmix64(t_stream.key + 0x9e3779b97f4a7c15ULL * ++t_stream.calls);
}

}  // namespace

extern "C" {

nt_status nt_fused_relu_dropout(nt_tensor x, double p, bool train, nt_tensor* out) {
  return nt::guard([&] {
    TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
    const auto& t = nt::T(x);
    if (!train || p == 0) {
      *out = nt::wrap(at::relu(t));
      return;
    }
    TORCH_CHECK(t.device().is_cpu(), "the fused relu+dropout kernel runs on the CPU only; switch fused kernels off");
    TORCH_CHECK(at::isFloatingType(t.scalar_type()) && (t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble),
                "fused relu+dropout takes float32 or float64, got ", t.scalar_type());
    auto seed = static_cast<int64_t>(draw_seed());
    *out = nt::wrap(ReluDropout::apply(t, p, seed));
  });
}

nt_status nt_fused_dropout_mask(int64_t numel, double p, uint64_t seed, nt_tensor* out) {
  return nt::guard([&] {
    TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
    TORCH_CHECK(numel >= 0 && numel <= static_cast<int64_t>(UINT32_MAX), "numel out of range");
    // The forward kernel on ones: y = scale where kept, 0 where dropped.
    auto ones = at::ones({numel}, at::kFloat);
    auto y = relu_dropout_forward(ones, p, seed);
    *out = nt::wrap(y.gt(0).to(at::kByte));
  });
}


void nt_dropout_seed_stream_begin(uint64_t key) { t_stream = SeedStream{true, key, 0}; }

void nt_dropout_seed_stream_end(void) { t_stream = SeedStream{}; }

nt_status nt_random_draw64(uint64_t* out) {
  return nt::guard([&] { *out = draw_from_generator(); });
}

}
