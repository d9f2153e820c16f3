// Direct 3x3 convolution for the small channel counts of Mnist8k and Cifar50k, channels-last, float32, as a custom
// autograd function (forward, input gradient, weight gradient).
//
// Why: oneDNN (through at::conv2d) runs these layers far below the machine's peak, worst where a step is smallest:
// at 1-16 channels and 4 samples a replica its forward and backward calls cost 40-130 µs each for a few hundred
// thousand multiply-adds (bench/conv_layers.py), which is most of a batch-8 Mnist8k step. Here every output pixel is
// a run of AVX2 FMAs over the 9 taps and the input channels, with the output channels (at most 32, in 1-4 vectors of
// 8) held in registers, and nothing is allocated but the outputs and one packed copy of the kernel.
//
// Numbers: each output is summed in the order tap (kh, kw) then input channel, one thread per sample, so the result
// does not depend on the thread count; the weight gradient is summed per sample and then over samples in batch
// order, for the same reason. It differs from oneDNN's order in the last bits (float rounding of the same sums).
//
// Applies to: a 4-d float32 CPU input stored channels-last, weight [Cout, Cin, 3, 3], stride 1, dilation 1, groups
// 1, padding 0 or 1, no bias, Cout and Cin at most 32, on a CPU with AVX2 and FMA. Anything else goes to
// at::conv2d, so the export is always safe to call; so does a convolution too large to gain (kDirectMacs).
#include <ATen/Parallel.h>
#include <immintrin.h>
#include <torch/csrc/autograd/custom_function.h>

#include <vector>

#include "guard.h"
#include "norms_torch.h"

namespace {

constexpr int64_t kMaxChannels = 32;  // 4 vectors of 8: what the register tiles below hold

// The kernels take a convolution of up to this many multiply-adds (N·Ho·Wo·Cin·Cout·9) and leave larger ones to
// at::conv2d (oneDNN). Measured per layer of Mnist8k and Cifar50k at 4, 16 and 32 samples on 1 thread (docs/
// PERFORMANCE.md, "Direct 3x3 convolutions"): below about 2 M ours wins by the per-call overhead it saves (8->8 at
// 28x28 on 4 samples, 1.8 M: forward 0.10 against 0.15 ms, backward 0.26 against 0.32), and beyond it oneDNN's
// weight gradient is faster (32->32 at 8x8 on 4 samples, 2.4 M: backward 0.29 against 0.25 ms; 16->24 at 32x32 on
// 16 samples: 5.6 against 3.5 ms) while the forward passes tie.
constexpr int64_t kDirectMacs = int64_t(1) << 21;
const bool kHasAvx2Fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

inline int64_t vectors(int64_t channels) { return (channels + 7) / 8; }

// Lanes of the last vector that hold a channel (the rest of a Cout = 12 or 24 vector is padding).
__attribute__((target("avx2"))) inline __m256i tail_mask(int64_t channels) {
  const int64_t live = channels - (vectors(channels) - 1) * 8;
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(live)), lane);
}

// The first pixel of a sample of `pixels` pixels whose last vector, read or written whole at pixel·Cout + (V-1)·8,
// would end past the sample (pixel·Cout + V·8 > pixels·Cout); every pixel when Cout fills its vectors.
inline int64_t first_masked_pixel(int64_t pixels, int64_t Cout) {
  const int64_t size = pixels * Cout, V8 = vectors(Cout) * 8;
  if (Cout % 8 == 0) return pixels;
  if (size < V8) return 0;
  return (size - V8) / Cout + 1;
}

// One output pixel's V vectors. Where Cout leaves the last vector partial, its padding lanes land on the next pixels'
// channels, which their own stores overwrite next (pixels are stored in memory order); only the last pixels of a
// sample, whose spill would reach another sample's (another thread's) or beyond the tensor, are stored through the
// mask. (A masked store on every pixel made the kernel slower than oneDNN: vmaskmovps stores are microcoded on AMD.)
template <int V>
__attribute__((target("avx2"))) inline void store(float* out, const __m256* acc, bool spill_ok, __m256i mask) {
  #pragma GCC unroll 16
  for (int v = 0; v < V - 1; v++) _mm256_storeu_ps(out + v * 8, acc[v]);
  if (spill_ok)
    _mm256_storeu_ps(out + (V - 1) * 8, acc[V - 1]);
  else
    _mm256_maskstore_ps(out + (V - 1) * 8, mask, acc[V - 1]);
}

// One sample's convolution: x [H][W][C] → y [Ho][Wo][Cout] with Ho = H + 2P - 2, Wo likewise. The kernel is packed
// as wp[kh][kw][ci][V·8] (Cout padded with zeros to V vectors). Output pixels go in tiles of T along the row with T·V
// accumulators in registers; a tile whose window leaves the row is done one pixel at a time with column checks.
template <int V, int T>
__attribute__((target("avx2,fma"))) void conv_sample(const float* x, int64_t H, int64_t W, int64_t C, const float* wp,
                                                     int64_t P, float* y, int64_t Cout) {
  const int64_t Ho = H + 2 * P - 2, Wo = W + 2 * P - 2, V8 = V * 8;
  const __m256i mask = tail_mask(Cout);
  // Pixels from this one on store their last vector through the mask (their spill would leave the sample).
  const int64_t masked_from = first_masked_pixel(Ho * Wo, Cout);
  // Columns wo whose window [wo - P, wo - P + 2] lies inside the row.
  const int64_t inner_begin = P, inner_end = W + P - 2;
  for (int64_t ho = 0; ho < Ho; ho++) {
    float* yrow = y + ho * Wo * Cout;
    int64_t wo = 0;
    while (wo < Wo) {
      if (wo >= inner_begin && wo + T <= inner_end) {
        __m256 acc[T][V];
        #pragma GCC unroll 16
        for (int t = 0; t < T; t++)
          #pragma GCC unroll 16
          for (int v = 0; v < V; v++) acc[t][v] = _mm256_setzero_ps();
        for (int64_t kh = 0; kh < 3; kh++) {
          const int64_t hi = ho - P + kh;
          if (hi < 0 || hi >= H) continue;
          for (int64_t kw = 0; kw < 3; kw++) {
            const float* xp = x + (hi * W + wo - P + kw) * C;
            const float* wk = wp + (kh * 3 + kw) * C * V8;
            for (int64_t ci = 0; ci < C; ci++) {
              __m256 w[V];
              #pragma GCC unroll 16
              for (int v = 0; v < V; v++) w[v] = _mm256_loadu_ps(wk + ci * V8 + v * 8);
              #pragma GCC unroll 16
              for (int t = 0; t < T; t++) {
                const __m256 b = _mm256_broadcast_ss(xp + t * C + ci);
                #pragma GCC unroll 16
                for (int v = 0; v < V; v++) acc[t][v] = _mm256_fmadd_ps(w[v], b, acc[t][v]);
              }
            }
          }
        }
        #pragma GCC unroll 16
        for (int t = 0; t < T; t++) store<V>(yrow + (wo + t) * Cout, acc[t], ho * Wo + wo + t < masked_from, mask);
        wo += T;
      } else {
        __m256 acc[V];
        #pragma GCC unroll 16
        for (int v = 0; v < V; v++) acc[v] = _mm256_setzero_ps();
        for (int64_t kh = 0; kh < 3; kh++) {
          const int64_t hi = ho - P + kh;
          if (hi < 0 || hi >= H) continue;
          for (int64_t kw = 0; kw < 3; kw++) {
            const int64_t wi = wo - P + kw;
            if (wi < 0 || wi >= W) continue;
            const float* xp = x + (hi * W + wi) * C;
            const float* wk = wp + (kh * 3 + kw) * C * V8;
            for (int64_t ci = 0; ci < C; ci++) {
              const __m256 b = _mm256_broadcast_ss(xp + ci);
              #pragma GCC unroll 16
              for (int v = 0; v < V; v++) acc[v] = _mm256_fmadd_ps(_mm256_loadu_ps(wk + ci * V8 + v * 8), b, acc[v]);
            }
          }
        }
        store<V>(yrow + wo * Cout, acc, ho * Wo + wo < masked_from, mask);
        wo += 1;
      }
    }
  }
}

// Tiles chosen so T·V accumulators, V weights and a broadcast fit AVX2's 16 registers.
void conv_sample_any(const float* x, int64_t H, int64_t W, int64_t C, const float* wp, int64_t P, float* y,
                     int64_t Cout) {
  switch (vectors(Cout)) {
    case 1: return conv_sample<1, 12>(x, H, W, C, wp, P, y, Cout);
    case 2: return conv_sample<2, 6>(x, H, W, C, wp, P, y, Cout);
    case 3: return conv_sample<3, 4>(x, H, W, C, wp, P, y, Cout);
    default: return conv_sample<4, 2>(x, H, W, C, wp, P, y, Cout);
  }
}

// One sample's weight gradient: g[kh][kw][ci][V·8] = Σ over output pixels of dy[ho][wo][co] · x[ho-P+kh][wo-P+kw][ci],
// summed along each row in column order, rows in order. Input channels go in blocks of B with B·V accumulators.
template <int V, int B>
__attribute__((target("avx2,fma"))) void weight_grad_sample(const float* x, int64_t H, int64_t W, int64_t C,
                                                            const float* dy, int64_t P, int64_t Cout, float* g) {
  const int64_t Ho = H + 2 * P - 2, Wo = W + 2 * P - 2, V8 = V * 8;
  const __m256i mask = tail_mask(Cout);
  // Pixels from this one on read their last vector through the mask (a whole vector would leave the sample).
  const int64_t masked_from = first_masked_pixel(Ho * Wo, Cout);
  for (int64_t i = 0; i < 9 * C * V8; i++) g[i] = 0.0f;
  for (int64_t ho = 0; ho < Ho; ho++) {
    const float* dyrow = dy + ho * Wo * Cout;
    for (int64_t kh = 0; kh < 3; kh++) {
      const int64_t hi = ho - P + kh;
      if (hi < 0 || hi >= H) continue;
      const float* xrow = x + hi * W * C;
      for (int64_t kw = 0; kw < 3; kw++) {
        // Output columns whose input column wo - P + kw is inside the row.
        const int64_t lo = P - kw > 0 ? P - kw : 0;
        const int64_t hi_end = W + P - kw < Wo ? W + P - kw : Wo;
        float* gk = g + (kh * 3 + kw) * C * V8;
        for (int64_t c0 = 0; c0 < C; c0 += B) {
          const int64_t nb = C - c0 < B ? C - c0 : B;
          __m256 acc[B][V];
          #pragma GCC unroll 16
          for (int b = 0; b < B; b++)
            #pragma GCC unroll 16
            for (int v = 0; v < V; v++) acc[b][v] = _mm256_setzero_ps();
          for (int64_t wo = lo; wo < hi_end; wo++) {
            const float* d = dyrow + wo * Cout;
            __m256 dv[V];
            #pragma GCC unroll 16
            for (int v = 0; v < V - 1; v++) dv[v] = _mm256_loadu_ps(d + v * 8);
            // A partial last vector reads the next pixels' channels into padding lanes, whose sums are never read;
            // only the sample's last pixels, whose read could end past the tensor, go through the mask.
            dv[V - 1] = ho * Wo + wo < masked_from ? _mm256_loadu_ps(d + (V - 1) * 8)
                                                   : _mm256_maskload_ps(d + (V - 1) * 8, mask);
            const float* xp = xrow + (wo - P + kw) * C + c0;
            #pragma GCC unroll 16
            for (int b = 0; b < B; b++) {
              if (b >= nb) break;
              const __m256 s = _mm256_broadcast_ss(xp + b);
              #pragma GCC unroll 16
              for (int v = 0; v < V; v++) acc[b][v] = _mm256_fmadd_ps(dv[v], s, acc[b][v]);
            }
          }
          for (int b = 0; b < nb; b++)
            #pragma GCC unroll 16
            for (int v = 0; v < V; v++) {
              float* out = gk + (c0 + b) * V8 + v * 8;
              _mm256_storeu_ps(out, _mm256_add_ps(_mm256_loadu_ps(out), acc[b][v]));
            }
        }
      }
    }
  }
}

void weight_grad_sample_any(const float* x, int64_t H, int64_t W, int64_t C, const float* dy, int64_t P, int64_t Cout,
                            float* g) {
  switch (vectors(Cout)) {
    case 1: return weight_grad_sample<1, 8>(x, H, W, C, dy, P, Cout, g);
    case 2: return weight_grad_sample<2, 4>(x, H, W, C, dy, P, Cout, g);
    case 3: return weight_grad_sample<3, 3>(x, H, W, C, dy, P, Cout, g);
    default: return weight_grad_sample<4, 2>(x, H, W, C, dy, P, Cout, g);
  }
}

// wp[kh][kw][ci][V·8] from weight [Cout][Cin][3][3] (any strides); with `flip`, the kernel of the input gradient:
// wp[kh][kw][co][ci] = weight[co][ci][2-kh][2-kw], input channels and output channels swapped.
std::vector<float> pack(const at::Tensor& weight, bool flip) {
  const auto w = weight.accessor<float, 4>();
  const int64_t Cout = weight.size(0), Cin = weight.size(1);
  const int64_t in = flip ? Cout : Cin, out = flip ? Cin : Cout, V8 = vectors(out) * 8;
  std::vector<float> wp(static_cast<size_t>(9 * in * V8), 0.0f);
  for (int64_t kh = 0; kh < 3; kh++)
    for (int64_t kw = 0; kw < 3; kw++)
      for (int64_t i = 0; i < in; i++)
        for (int64_t o = 0; o < out; o++)
          wp[((kh * 3 + kw) * in + i) * V8 + o] = flip ? w[i][o][2 - kh][2 - kw] : w[o][i][kh][kw];
  return wp;
}

// y = conv(x, packed kernel, padding P), channels-last, one sample per task.
at::Tensor convolve(const at::Tensor& x, const std::vector<float>& wp, int64_t out_channels, int64_t P) {
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  auto y = at::empty({N, out_channels, H + 2 * P - 2, W + 2 * P - 2}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
  const float* xp = x.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  const int64_t x_sample = C * H * W, y_sample = out_channels * y.size(2) * y.size(3);
  at::parallel_for(0, N, 1, [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; n++) conv_sample_any(xp + n * x_sample, H, W, C, wp.data(), P, yp + n * y_sample, out_channels);
  });
  return y;
}

at::Tensor weight_gradient(const at::Tensor& x, const at::Tensor& dy, const at::Tensor& weight, int64_t P) {
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3), Cout = dy.size(1);
  const int64_t V8 = vectors(Cout) * 8, per_sample = 9 * C * V8;
  std::vector<float> partial(static_cast<size_t>(N * per_sample));
  const float* xp = x.data_ptr<float>();
  const float* dyp = dy.data_ptr<float>();
  const int64_t x_sample = C * H * W, dy_sample = Cout * dy.size(2) * dy.size(3);
  at::parallel_for(0, N, 1, [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; n++)
      weight_grad_sample_any(xp + n * x_sample, H, W, C, dyp + n * dy_sample, P, Cout, partial.data() + n * per_sample);
  });
  // Samples in batch order, whatever thread computed each.
  for (int64_t n = 1; n < N; n++) {
    const float* src = partial.data() + n * per_sample;
    float* dst = partial.data();
    for (int64_t i = 0; i < per_sample; i++) dst[i] += src[i];
  }
  auto g = at::empty_like(weight);
  auto ga = g.accessor<float, 4>();
  for (int64_t kh = 0; kh < 3; kh++)
    for (int64_t kw = 0; kw < 3; kw++)
      for (int64_t ci = 0; ci < C; ci++)
        for (int64_t co = 0; co < Cout; co++) ga[co][ci][kh][kw] = partial[static_cast<size_t>(((kh * 3 + kw) * C + ci) * V8 + co)];
  return g;
}

struct Conv3x3 : public torch::autograd::Function<Conv3x3> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            int64_t padding) {
    ctx->saved_data["padding"] = padding;
    ctx->save_for_backward({x, weight});
    return convolve(x, pack(weight, false), weight.size(0), padding);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& weight = saved[1];
    const int64_t P = ctx->saved_data["padding"].toInt();
    auto dy = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
    const bool want_dx = ctx->needs_input_grad(0), want_dw = ctx->needs_input_grad(1);
    at::Tensor dx, dw;
    // The input gradient is the convolution of dy with the flipped, transposed kernel at padding 2 - P.
    if (want_dx) dx = convolve(dy, pack(weight, true), x.size(1), 2 - P);
    if (want_dw) dw = weight_gradient(x, dy, weight, P);
    return {dx, dw, at::Tensor()};
  }
};

int64_t multiply_adds(const at::Tensor& x, const at::Tensor& weight, int64_t padding) {
  return x.size(0) * (x.size(2) + 2 * padding - 2) * (x.size(3) + 2 * padding - 2) * x.size(1) * weight.size(0) * 9;
}

bool applies(const at::Tensor& x, const at::Tensor& weight, int64_t padding, int64_t limit) {
  return kHasAvx2Fma && x.device().is_cpu() && weight.device().is_cpu() && x.scalar_type() == at::kFloat &&
         weight.scalar_type() == at::kFloat && x.dim() == 4 && weight.dim() == 4 && weight.size(2) == 3 &&
         weight.size(3) == 3 && weight.size(1) == x.size(1) && (padding == 0 || padding == 1) &&
         x.size(1) >= 1 && x.size(1) <= kMaxChannels && weight.size(0) >= 1 && weight.size(0) <= kMaxChannels &&
         x.size(2) + 2 * padding >= 3 && x.size(3) + 2 * padding >= 3 && x.size(0) > 0 &&
         x.is_contiguous(at::MemoryFormat::ChannelsLast) && multiply_adds(x, weight, padding) <= limit;
}

}  // namespace

extern "C" {

nt_status nt_nn_conv3x3(nt_tensor x, nt_tensor weight, int64_t padding, int64_t mac_limit, bool* direct,
                        nt_tensor* out) {
  return nt::guard([&] {
    const auto& t = nt::T(x);
    const auto& w = nt::T(weight);
    *direct = applies(t, w, padding, mac_limit < 0 ? kDirectMacs : mac_limit);
    *out = nt::wrap(*direct ? Conv3x3::apply(t, w, padding) : at::conv2d(t, w, {}, 1, padding));
  });
}

}  // extern "C"
