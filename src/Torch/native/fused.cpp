// Fused ReLU + dropout with a counter-based RNG, as a custom autograd function.
//
// Why: at::dropout on CPU builds its mask with bernoulli_, which without MKL draws one number at a
// time from the mt19937 generator under a lock (a third of a small CNN's training step), then
// multiplies in two more passes; ReLU is another pass and saves another tensor. Here one pass reads x
// and writes y, the mask is a hash of (stream, sample position, element index) that vectorizes, and
// backward needs only y. No generator is involved: a run's masks are a pure function of its keys.
#include "norms_torch.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>
#include <immintrin.h>
#include <algorithm>
#include <cmath>
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

// The mask is keyed by where an element sits in the epoch, not by who computes it or how it is stored:
// sample s (its index in the epoch's order, dim 0) gets its own pair of 32-bit keys from the call's
// 64-bit stream key, and element j of that sample (its logical C·H·W index, whatever the memory layout)
// draws u = draw(j, k0(s), k1(s)). So a batch split between replicas at any sample, run channels-first
// or channels-last, at any thread count, keeps exactly the same elements.
struct SampleKeys {
  uint32_t k0, k1;
};

inline uint64_t splitmix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline SampleKeys sample_keys(uint64_t stream, int64_t sample) {
  uint64_t k = splitmix64(stream + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(sample) + 1));
  return {static_cast<uint32_t>(k), static_cast<uint32_t>(k >> 32)};
}

// y = relu(x) · m with m = scale where kept and 0 where dropped: the stock relu-then-dropout product,
// so NaN stays NaN (relu keeps it, NaN · 0 is NaN) and a dropped +∞ becomes NaN, as at::dropout's
// multiply gives; finite values are unchanged (x · scale or +0). A divergence is never masked.
template <typename T>
inline __attribute__((always_inline)) T relu_times(T v, bool keep, T scale) {
  T r = !(v <= T(0)) ? v : T(0);  // NaN passes, as at::relu lets it
  return r * (keep ? scale : T(0));
}

// One sample stored densely in logical order (channels-first, or any tensor that is not 4-d).
template <typename T>
inline __attribute__((always_inline)) void sample_dense(const T* x, T* y, int64_t begin, int64_t end, uint32_t thr,
                                                         SampleKeys k, T scale) {
  for (int64_t j = begin; j < end; j++) y[j] = relu_times(x[j], draw(static_cast<uint32_t>(j), k.k0, k.k1) >= thr, scale);
}

// One sample stored channels-last: storage position hw·C + c holds logical element c·HW + hw.
template <typename T>
inline __attribute__((always_inline)) void sample_nhwc(const T* x, T* y, int64_t C, int64_t HW, int64_t c_begin,
                                                        uint32_t thr, SampleKeys k, T scale) {
  for (int64_t hw = 0; hw < HW; hw++)
    for (int64_t c = c_begin; c < C; c++) {
      int64_t s = hw * C + c;
      y[s] = relu_times(x[s], draw(static_cast<uint32_t>(c * HW + hw), k.k0, k.k1) >= thr, scale);
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
// bodies, so the two paths give identical bits; the scalar bodies finish each tail and serve CPUs
// without AVX2 and float64.
__attribute__((target("avx2"))) inline __m256i fmix32_avx2(__m256i h) {
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32(static_cast<int>(0x85ebca6bu)));
  h = _mm256_xor_si256(h, _mm256_srli_epi32(h, 13));
  h = _mm256_mullo_epi32(h, _mm256_set1_epi32(static_cast<int>(0xc2b2ae35u)));
  return _mm256_xor_si256(h, _mm256_srli_epi32(h, 16));
}

// Eight lanes of relu_times: idx are the logical element indices, v the values.
__attribute__((target("avx2"))) inline __m256 relu_times_avx2(__m256 v, __m256i idx, __m256i vk0, __m256i vk1,
                                                             __m256i vthr, __m256 vscale) {
  __m256i u = fmix32_avx2(_mm256_add_epi32(fmix32_avx2(_mm256_xor_si256(idx, vk0)), vk1));
  __m256i keep = _mm256_cmpeq_epi32(_mm256_max_epu32(u, vthr), u);  // unsigned u >= thr
  __m256 r = _mm256_and_ps(v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_NLE_UQ));  // relu, NaN passes
  return _mm256_mul_ps(r, _mm256_and_ps(vscale, _mm256_castsi256_ps(keep)));
}

__attribute__((target("avx2"))) void sample_dense_avx2(const float* x, float* y, int64_t n, uint32_t thr,
                                                       SampleKeys k, float scale) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i vk0 = _mm256_set1_epi32(static_cast<int>(k.k0)), vk1 = _mm256_set1_epi32(static_cast<int>(k.k1));
  const __m256i vthr = _mm256_set1_epi32(static_cast<int>(thr));
  const __m256 vscale = _mm256_set1_ps(scale);
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(j))), lane);
    _mm256_storeu_ps(y + j, relu_times_avx2(_mm256_loadu_ps(x + j), idx, vk0, vk1, vthr, vscale));
  }
  sample_dense(x, y, j, n, thr, k, scale);
}

// Channels-last: eight consecutive channels of one pixel are eight lanes whose logical indices step by HW.
__attribute__((target("avx2"))) void sample_nhwc_avx2(const float* x, float* y, int64_t C, int64_t HW, uint32_t thr,
                                                      SampleKeys k, float scale) {
  const __m256i lane_hw = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                             _mm256_set1_epi32(static_cast<int>(HW)));
  const __m256i vk0 = _mm256_set1_epi32(static_cast<int>(k.k0)), vk1 = _mm256_set1_epi32(static_cast<int>(k.k1));
  const __m256i vthr = _mm256_set1_epi32(static_cast<int>(thr));
  const __m256 vscale = _mm256_set1_ps(scale);
  const int64_t c_vec = C - C % 8;
  for (int64_t hw = 0; hw < HW; hw++) {
    const float* xp = x + hw * C;
    float* yp = y + hw * C;
    for (int64_t c = 0; c < c_vec; c += 8) {
      __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<uint32_t>(c * HW + hw))), lane_hw);
      _mm256_storeu_ps(yp + c, relu_times_avx2(_mm256_loadu_ps(xp + c), idx, vk0, vk1, vthr, vscale));
    }
  }
  if (c_vec < C) sample_nhwc(x, y, C, HW, c_vec, thr, k, scale);
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

void sample_kernel(const float* x, float* y, bool nhwc, int64_t C, int64_t HW, int64_t n, uint32_t thr, SampleKeys k,
                   float scale) {
  if (kHasAvx2) {
    if (nhwc) sample_nhwc_avx2(x, y, C, HW, thr, k, scale);
    else sample_dense_avx2(x, y, n, thr, k, scale);
  } else if (nhwc) {
    sample_nhwc(x, y, C, HW, 0, thr, k, scale);
  } else {
    sample_dense(x, y, 0, n, thr, k, scale);
  }
}
void sample_kernel(const double* x, double* y, bool nhwc, int64_t C, int64_t HW, int64_t n, uint32_t thr, SampleKeys k,
                   double scale) {
  if (nhwc) sample_nhwc(x, y, C, HW, 0, thr, k, scale);
  else sample_dense(x, y, 0, n, thr, k, scale);
}
void relu_dropout_backward_kernel(const float* gy, const float* y, float* gx, int64_t b, int64_t e, float scale) {
  if (kHasAvx2) relu_dropout_backward_f32_avx2(gy, y, gx, b, e, scale);
  else relu_dropout_backward_body(gy, y, gx, b, e, scale);
}
void relu_dropout_backward_kernel(const double* gy, const double* y, double* gx, int64_t b, int64_t e,
                                  double scale) { relu_dropout_backward_body(gy, y, gx, b, e, scale); }

constexpr int64_t kGrain = 32768;

// relu(x) · mask / (1 - p) for samples first_sample .. first_sample + N - 1 of the stream. Keeps the
// input's layout (channels-last stays channels-last).
at::Tensor relu_dropout_forward(const at::Tensor& input, double p, uint64_t stream, int64_t first_sample) {
  TORCH_CHECK(input.dim() >= 1, "dropout needs a batch dimension");
  TORCH_CHECK(first_sample >= 0, "the first sample's position must be >= 0, got ", first_sample);
  auto format = input.suggest_memory_format();
  auto x = input.contiguous(format);
  auto y = at::empty_like(x);
  const int64_t N = x.size(0);
  if (p >= 1 || x.numel() == 0) return y.zero_();
  const int64_t per_sample = x.numel() / N;
  TORCH_CHECK(per_sample <= static_cast<int64_t>(UINT32_MAX), "fused dropout: at most 2^32 elements per sample");
  const bool nhwc = x.dim() == 4 && format == at::MemoryFormat::ChannelsLast;
  const int64_t C = x.dim() == 4 ? x.size(1) : 0, HW = x.dim() == 4 ? x.size(2) * x.size(3) : 0;
  const uint32_t thr = threshold_for(p);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "nt_relu_dropout", [&] {
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* yp = y.data_ptr<scalar_t>();
    scalar_t scale = static_cast<scalar_t>(1.0 / (1.0 - p));
    at::parallel_for(0, N, std::max<int64_t>(1, kGrain / per_sample), [&](int64_t b, int64_t e) {
      for (int64_t n = b; n < e; n++)
        sample_kernel(xp + n * per_sample, yp + n * per_sample, nhwc, C, HW, per_sample, thr,
                      sample_keys(stream, first_sample + n), scale);
    });
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
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, double p, int64_t stream,
                            int64_t first_sample) {
    auto y = relu_dropout_forward(x, p, static_cast<uint64_t>(stream), first_sample);
    ctx->saved_data["p"] = p;
    ctx->save_for_backward({y});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto y = ctx->get_saved_variables()[0];
    auto p = ctx->saved_data["p"].toDouble();
    return {relu_dropout_backward(grads[0], y, p), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

void check_probability(double p) {
  TORCH_CHECK(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
}

}  // namespace

extern "C" {

nt_status nt_fused_relu_dropout(nt_tensor x, double p, bool train, uint64_t stream, int64_t first_sample,
                                nt_tensor* out) {
  return nt::guard([&] {
    check_probability(p);
    const auto& t = nt::T(x);
    if (!train || p == 0) {
      *out = nt::wrap(at::relu(t));
      return;
    }
    TORCH_CHECK(t.device().is_cpu(), "the fused relu+dropout kernel runs on the CPU only; switch fused kernels off");
    TORCH_CHECK(t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble,
                "fused relu+dropout takes float32 or float64, got ", t.scalar_type());
    *out = nt::wrap(ReluDropout::apply(t, p, static_cast<int64_t>(stream), first_sample));
  });
}

nt_status nt_dropout_mask(const int64_t* shape, int ndim, double p, uint64_t stream, int64_t first_sample, int dtype,
                          nt_tensor* out) {
  return nt::guard([&] {
    check_probability(p);
    // The fused kernel on ones, channels-first: 1/(1 - p) where kept, 0 where dropped.
    auto ones = at::ones(nt::dims(shape, ndim), nt::options(dtype, static_cast<int>(c10::DeviceType::CPU), -1));
    TORCH_CHECK(ones.scalar_type() == at::kFloat || ones.scalar_type() == at::kDouble,
                "a dropout mask is float32 or float64, got ", ones.scalar_type());
    *out = nt::wrap(p == 0 ? ones : relu_dropout_forward(ones, p, stream, first_sample));
  });
}

}
