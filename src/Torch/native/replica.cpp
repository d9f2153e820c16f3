// Data-parallel replicas: the meeting point for synchronized batch norm and the per-thread intra-op
// thread count.
#include "norms_torch.h"

#include <ATen/Parallel.h>
#if AT_PARALLEL_OPENMP
#include <omp.h>
#endif
#include <torch/autograd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "guard.h"
#include "replica.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NT_CPU_RELAX() _mm_pause()
#else
#include <thread>
#define NT_CPU_RELAX() std::this_thread::yield()
#endif

namespace {

// Each replica brings a vector; once all have, every one gets all of them, in rank order. A generation
// counter tells a woken waiter its meeting is complete; abort wakes everyone with an error instead.
// With turns, the replicas run one at a time on what is one thread's worth of CPU: the same split step, so the
// same arithmetic and the same bits, as replicas running at once on threads of their own. A replica gives up the
// turn while it waits at a meeting; the one that completes a meeting keeps it and runs on.
class ReplicaGroup final : public nt::Meeting {
 public:
  ReplicaGroup(int parties, bool turns) : parties_(parties), turns_(turns), slots_(parties), gathered_(parties) {}

  void begin_turn(int rank) override {
    if (!turns_) return;
    std::unique_lock<std::mutex> lock(mutex_);
    take_turn(lock, rank);
  }

  void end_turn(int rank) override {
    if (!turns_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (holder_ != rank) return;
    holder_ = -1;
    changed_.notify_all();
  }

  int parties() const override { return parties_; }

  std::vector<std::vector<double>> all_gather(int rank, std::vector<double> local) override {
    TORCH_CHECK(rank >= 0 && rank < parties_, "replica rank ", rank, " out of range for ", parties_, " replicas");
    std::unique_lock<std::mutex> lock(mutex_);
    TORCH_CHECK(!aborted_, "another replica failed; this step is abandoned");
    slots_[rank] = std::move(local);
    const auto generation = generation_.load();
    if (++arrived_ == parties_) {
      for (size_t r = 0; r < slots_.size(); r++)
        TORCH_CHECK(slots_[r].size() == slots_[0].size(), "replicas disagree on the statistics' size: the replicas ran different models");
      gathered_.swap(slots_);
      arrived_ = 0;
      generation_.store(generation + 1);
      changed_.notify_all();
      return gathered_;
    }
    if (turns_) {
      // The others cannot arrive while this replica holds the turn: hand it over, then take it back once the
      // meeting is complete and whoever completed it has given the turn up.
      holder_ = -1;
      changed_.notify_all();
    } else {
      // Spin a little before sleeping: the replicas run on cores of their own and usually arrive within
      // microseconds of each other, while a sleep and wake-up costs tens of microseconds, 28 times a Mnist8k step.
      lock.unlock();
      for (int i = 0; i < kSpins && generation_.load() == generation && !aborted_.load(); i++) NT_CPU_RELAX();
      lock.lock();
    }
    changed_.wait(lock, [&] { return generation_.load() != generation || aborted_.load(); });
    TORCH_CHECK(generation_.load() != generation, "another replica failed; this step is abandoned");
    auto gathered = gathered_;  // copied under the lock; the next meeting cannot complete without this replica
    if (turns_) take_turn(lock, rank);
    return gathered;
  }

  void abort() override {
    std::lock_guard<std::mutex> lock(mutex_);
    aborted_.store(true);
    changed_.notify_all();
  }

 private:
  // Waits (holding mutex_ through lock) until no replica holds the turn, then holds it.
  void take_turn(std::unique_lock<std::mutex>& lock, int rank) {
    TORCH_CHECK(rank >= 0 && rank < parties_, "replica rank ", rank, " out of range for ", parties_, " replicas");
    changed_.wait(lock, [&] { return holder_ < 0 || aborted_.load(); });
    TORCH_CHECK(!aborted_, "another replica failed; this step is abandoned");
    holder_ = rank;
  }

  const int parties_;
  const bool turns_;
  int holder_ = -1;  // the replica holding the turn (turns_ only), guarded by mutex_
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::vector<double>> slots_, gathered_;
  int arrived_ = 0;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> aborted_{false};
  static constexpr int kSpins = 2000;  // ~30 µs of pause instructions
};

// The per-channel passes of batch norm, written out so each is one sweep over memory (ATen's building blocks
// took three to five sweeps and as many temporaries). x is contiguous either channels-first (N, C, inner) or
// channels-last (N·inner rows of C). Sums are kept per block in the input's precision (so they vectorize) and
// added into float64 per block.
struct Layout {
  int64_t n, c, inner;
  bool channels_last;
};

Layout layout_of(const at::Tensor& x) {
  Layout l{x.size(0), x.size(1), x.numel() / std::max<int64_t>(1, x.size(0) * x.size(1)), false};
  l.channels_last = x.dim() == 4 && !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
  return l;
}

constexpr int64_t kBlock = 256;  // channels-first: values summed in T before a float64 add

// Per channel c: s1 = Σ(a − sa[c]) and s2 = Σ(a − sa[c])·(b − sb[c]). With a = b = x and both shifts a rough
// mean: Σd and Σd², d = x − rough mean (forward); with a = dy, sa = 0, b = x and sb = mean: Σdy and Σdy·(x − mean)
// (backward).
template <typename T>
void channel_sums(const Layout& l, const T* a, const T* b, const T* sa, const T* sb, double* s1, double* s2) {
  std::fill(s1, s1 + l.c, 0.0);
  std::fill(s2, s2 + l.c, 0.0);
  if (!l.channels_last) {
    for (int64_t n = 0; n < l.n; n++)
      for (int64_t c = 0; c < l.c; c++) {
        const T* pa = a + (n * l.c + c) * l.inner;
        const T* pb = b + (n * l.c + c) * l.inner;
        const T ma = sa[c], mb = sb[c];
        for (int64_t i0 = 0; i0 < l.inner; i0 += kBlock) {
          const int64_t i1 = std::min(l.inner, i0 + kBlock);
          T f = 0, g = 0;
#pragma omp simd reduction(+ : f, g)
          for (int64_t i = i0; i < i1; i++) {
            f += pa[i] - ma;
            g += (pa[i] - ma) * (pb[i] - mb);
          }
          s1[c] += f;
          s2[c] += g;
        }
      }
    return;
  }
  // Channels-last: the data are rows of C values. Walk them as one flat array in runs of W = k·C ≥ 32 values,
  // with W accumulators (lane j holds channel j mod C): the inner loop is then contiguous and vectorizes, where
  // a loop over the C channels of each row kept its sums in memory (a store-to-load chain per row).
  const int64_t width = ((32 + l.c - 1) / l.c) * l.c;
  const int64_t total = l.n * l.inner * l.c;
  const int64_t block = width * 64;  // values summed in T before a float64 add
  std::vector<T> f(width), g(width), wa(width), wb(width);
  for (int64_t j = 0; j < width; j++) {
    wa[j] = sa[j % l.c];
    wb[j] = sb[j % l.c];
  }
  for (int64_t i0 = 0; i0 < total; i0 += block) {
    std::fill(f.begin(), f.end(), T(0));
    std::fill(g.begin(), g.end(), T(0));
    const int64_t i1 = std::min(total, i0 + block);
    int64_t i = i0;
    for (; i + width <= i1; i += width)
      for (int64_t j = 0; j < width; j++) {
        const T d = a[i + j] - wa[j];
        f[j] += d;
        g[j] += d * (b[i + j] - wb[j]);
      }
    for (int64_t j = 0; i < i1; i++, j++) {  // whole rows left over: j mod C is still their channel
      const T d = a[i] - wa[j];
      f[j] += d;
      g[j] += d * (b[i] - wb[j]);
    }
    for (int64_t j = 0; j < width; j++) {
      s1[j % l.c] += f[j];
      s2[j % l.c] += g[j];
    }
  }
}

// out = a·p[c] + (b − m[c])·q[c] + r[c], a may be null (then 0). Centring b first keeps the result accurate when
// the data sit far from zero relative to their spread (x·scale and mean·scale would cancel).
template <typename T>
void channel_affine(const Layout& l, const T* a, const T* b, const T* m, const T* p, const T* q, const T* r, T* out) {
  if (!l.channels_last) {
    for (int64_t n = 0; n < l.n; n++)
      for (int64_t c = 0; c < l.c; c++) {
        const int64_t o = (n * l.c + c) * l.inner;
        const T mc = m[c], pc = p[c], qc = q[c], rc = r[c];
        if (a == nullptr)
          for (int64_t i = 0; i < l.inner; i++) out[o + i] = (b[o + i] - mc) * qc + rc;
        else
          for (int64_t i = 0; i < l.inner; i++) out[o + i] = a[o + i] * pc + (b[o + i] - mc) * qc + rc;
      }
    return;
  }
  // Channels-last: flat runs of W = k·C values with the coefficients spread over W lanes (see channel_sums).
  const int64_t width = ((32 + l.c - 1) / l.c) * l.c;
  const int64_t total = l.n * l.inner * l.c;
  std::vector<T> wm(width), wp(width), wq(width), wr(width);
  for (int64_t j = 0; j < width; j++) {
    wm[j] = m[j % l.c];
    wp[j] = p[j % l.c];
    wq[j] = q[j % l.c];
    wr[j] = r[j % l.c];
  }
  for (int64_t i = 0; i < total; i += width) {
    const int64_t n = std::min(width, total - i);  // the last run may be short, but holds whole rows
    if (a == nullptr)
      for (int64_t j = 0; j < n; j++) out[i + j] = (b[i + j] - wm[j]) * wq[j] + wr[j];
    else
      for (int64_t j = 0; j < n; j++) out[i + j] = a[i + j] * wp[j] + (b[i + j] - wm[j]) * wq[j] + wr[j];
  }
}

// Per-channel vectors are a handful of numbers: read and written through their data pointers on the CPU, since
// a libtorch op per conversion cost more than the batch norm's own sweeps (≈ 90 small ops per Mnist8k step).
bool plain_cpu(const at::Tensor& t) {
  return t.device().is_cpu() && t.is_contiguous() && (t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble);
}

std::vector<double> channel_values(const c10::optional<at::Tensor>& t, int64_t c, double fallback) {
  if (!t.has_value() || !t->defined()) return std::vector<double>(c, fallback);
  TORCH_CHECK(t->numel() == c, "expected ", c, " per-channel values, got ", t->numel());
  std::vector<double> out(c);
  if (plain_cpu(*t)) {
    AT_DISPATCH_FLOATING_TYPES(t->scalar_type(), "channel_values", [&] {
      std::copy(t->data_ptr<scalar_t>(), t->data_ptr<scalar_t>() + c, out.begin());
    });
    return out;
  }
  auto d = t->detach().to(at::kDouble, /*non_blocking=*/false, /*copy=*/false).to(at::kCPU).contiguous();
  std::copy(d.data_ptr<double>(), d.data_ptr<double>() + c, out.begin());
  return out;
}

template <typename T>
std::vector<T> narrow(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

at::Tensor channel_tensor(const std::vector<double>& v, const at::Tensor& like) {
  auto out = at::empty({static_cast<int64_t>(v.size())}, like.options().memory_format(at::MemoryFormat::Contiguous));
  AT_DISPATCH_FLOATING_TYPES(out.scalar_type(), "channel_tensor", [&] {
    std::copy(v.begin(), v.end(), out.data_ptr<scalar_t>());
  });
  return out;
}

// running = (1 − momentum)·running + momentum·value, in place. Written through the pointer, so the version
// counter does not move: running statistics are buffers, never saved by a graph.
void update_running(at::Tensor& running, const std::vector<double>& value, double momentum) {
  at::NoGradGuard no_grad;
  if (!plain_cpu(running)) {
    running.mul_(1 - momentum).add_(channel_tensor(value, running), momentum);
    return;
  }
  AT_DISPATCH_FLOATING_TYPES(running.scalar_type(), "update_running", [&] {
    scalar_t* p = running.data_ptr<scalar_t>();
    for (size_t k = 0; k < value.size(); k++) p[k] = static_cast<scalar_t>((1 - momentum) * p[k] + momentum * value[k]);
  });
}

struct ReplicatedBatchNorm : public torch::autograd::Function<ReplicatedBatchNorm> {
  // Optional tensors as c10::optional: libtorch's custom functions cannot take an undefined at::Tensor input.
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input,
                            const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
                            const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
                            int64_t group_ptr, int64_t rank, double momentum, double eps) {
    auto* group = reinterpret_cast<nt::Meeting*>(group_ptr);
    const auto x = input.contiguous(input.suggest_memory_format());  // dense in its own layout, as fused.cpp's
    const auto l = layout_of(x);
    const int64_t c = l.c;
    // Per replica: count, mean and squared deviations per channel. Two passes, the second centred on the first's
    // rough mean and corrected by its residual (Σd² − (Σd)²/n), so data far from zero relative to their spread
    // keep their digits. Combined across replicas in float64 with Chan et al.'s pairwise update, in rank order,
    // so every replica computes identical statistics.
    const double n_local = static_cast<double>(l.n * l.inner);
    std::vector<double> local(2 * c + 1);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "replicated_batch_norm_stats", [&] {
      const scalar_t* px = x.data_ptr<scalar_t>();
      std::vector<scalar_t> zero(c, 0), rough(c);
      std::vector<double> sum(c), unused(c), sd(c), sd2(c);
      channel_sums<scalar_t>(l, px, px, zero.data(), zero.data(), sum.data(), unused.data());
      for (int64_t k = 0; k < c; k++) rough[k] = static_cast<scalar_t>(n_local > 0 ? sum[k] / n_local : 0.0);
      channel_sums<scalar_t>(l, px, px, rough.data(), rough.data(), sd.data(), sd2.data());
      for (int64_t k = 0; k < c; k++) {
        local[k] = n_local > 0 ? rough[k] + sd[k] / n_local : 0.0;
        local[c + k] = n_local > 0 ? std::max(0.0, sd2[k] - sd[k] * sd[k] / n_local) : 0.0;
      }
    });
    local[2 * c] = n_local;
    auto parts = group->all_gather(static_cast<int>(rank), std::move(local));
    std::vector<double> mean(c, 0.0), m2(c, 0.0);
    double count = 0;
    for (const auto& part : parts) {
      const double nb = part[2 * c];
      if (nb == 0) continue;
      for (int64_t k = 0; k < c; k++) {
        const double delta = part[k] - mean[k];
        mean[k] += delta * nb / (count + nb);
        m2[k] += part[c + k] + delta * delta * count * nb / (count + nb);
      }
      count += nb;
    }
    TORCH_CHECK(count > 1, "Expected more than 1 value per channel when training, got ", count, " over all replicas");
    std::vector<double> var(c), invstd(c), scale(c);
    const auto w = channel_values(weight, c, 1.0), b = channel_values(bias, c, 0.0);
    for (int64_t k = 0; k < c; k++) {
      var[k] = m2[k] / count;  // biased: what normalizes
      invstd[k] = 1.0 / std::sqrt(var[k] + eps);
      scale[k] = w[k] * invstd[k];
    }
    if (running_mean.has_value()) {
      std::vector<double> unbiased(c);
      for (int64_t k = 0; k < c; k++) unbiased[k] = var[k] * count / (count - 1);
      at::Tensor rm = *running_mean, rv = *running_var;
      update_running(rm, mean, momentum);
      update_running(rv, unbiased, momentum);
    }
    auto y = at::empty_like(x);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "replicated_batch_norm_forward", [&] {
      auto m = narrow<scalar_t>(mean), q = narrow<scalar_t>(scale), r = narrow<scalar_t>(b);
      channel_affine<scalar_t>(l, nullptr, x.data_ptr<scalar_t>(), m.data(), q.data(), q.data(), r.data(), y.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({x});
    ctx->saved_data["group"] = group_ptr;
    ctx->saved_data["rank"] = rank;
    ctx->saved_data["count"] = count;
    ctx->saved_data["mean"] = c10::List<double>(mean);
    ctx->saved_data["invstd"] = c10::List<double>(invstd);
    ctx->saved_data["w"] = c10::List<double>(w);
    ctx->saved_data["affine"] = weight.has_value() && weight->defined();
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto x = ctx->get_saved_variables()[0];
    auto* group = reinterpret_cast<nt::Meeting*>(ctx->saved_data["group"].toInt());
    const auto rank = ctx->saved_data["rank"].toInt();
    const double count = ctx->saved_data["count"].toDouble();
    const auto mean = ctx->saved_data["mean"].toDoubleVector();
    const auto invstd = ctx->saved_data["invstd"].toDoubleVector();
    const auto w = ctx->saved_data["w"].toDoubleVector();
    const bool affine = ctx->saved_data["affine"].toBool();
    // dy in x's layout, so one index walks both.
    const auto dy = grads[0].contiguous(x.suggest_memory_format());
    const auto l = layout_of(x);
    const int64_t c = l.c;
    std::vector<double> local(2 * c);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "replicated_batch_norm_backward_sums", [&] {
      auto m = narrow<scalar_t>(mean);
      std::vector<scalar_t> zero(c, 0);
      channel_sums<scalar_t>(l, dy.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(), zero.data(), m.data(), local.data(), local.data() + c);
    });
    // Every replica needs the whole batch's Σdy and Σdy·(x − mean); the affine gradients stay local (autograd
    // adds the replicas' shares into the parameters' gradients).
    auto parts = group->all_gather(static_cast<int>(rank), local);
    std::vector<double> total(2 * c, 0.0);
    for (const auto& part : parts)
      for (int64_t k = 0; k < 2 * c; k++) total[k] += part[k];
    // dx = w·invstd·(dy − mean(dy) − (x − mean)·invstd²·mean(dy·(x − mean))) = p·dy + q·(x − mean) + r per channel.
    std::vector<double> p(c), q(c), r(c);
    for (int64_t k = 0; k < c; k++) {
      const double a = w[k] * invstd[k];
      const double mean_dy = total[k] / count, mean_dy_xmu = total[c + k] / count;
      p[k] = a;
      q[k] = -a * invstd[k] * invstd[k] * mean_dy_xmu;
      r[k] = -a * mean_dy;
    }
    auto dx = at::empty_like(x);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "replicated_batch_norm_backward", [&] {
      auto m = narrow<scalar_t>(mean), pp = narrow<scalar_t>(p), qq = narrow<scalar_t>(q), rr = narrow<scalar_t>(r);
      channel_affine<scalar_t>(l, dy.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(), m.data(), pp.data(), qq.data(), rr.data(),
                               dx.data_ptr<scalar_t>());
    });
    at::Tensor dweight, dbias;
    if (affine) {
      std::vector<double> gw(c), gb(c);
      for (int64_t k = 0; k < c; k++) {
        gw[k] = local[c + k] * invstd[k];
        gb[k] = local[k];
      }
      dweight = channel_tensor(gw, x);
      dbias = channel_tensor(gb, x);
    }
    return {dx, dweight, dbias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

extern "C" {

nt_status nt_replica_group_new(int parties, int turns, nt_replica_group* out) {
  return nt::guard([&] {
    TORCH_CHECK(parties >= 1, "a replica group needs at least one replica, got ", parties);
    *out = reinterpret_cast<nt_replica_group>(static_cast<nt::Meeting*>(new ReplicaGroup(parties, turns != 0)));
  });
}

nt_status nt_replica_group_begin_turn(nt_replica_group group, int rank) {
  return nt::guard([&] {
    TORCH_CHECK(group != nullptr, "null replica group");
    reinterpret_cast<nt::Meeting*>(group)->begin_turn(rank);
  });
}

void nt_replica_group_end_turn(nt_replica_group group, int rank) {
  if (group != nullptr) reinterpret_cast<nt::Meeting*>(group)->end_turn(rank);
}

void nt_replica_group_free(nt_replica_group group) { delete reinterpret_cast<nt::Meeting*>(group); }

void nt_replica_group_abort(nt_replica_group group) {
  if (group != nullptr) reinterpret_cast<nt::Meeting*>(group)->abort();
}

nt_status nt_norm_batch_replicated(nt_tensor x, nt_tensor weight, nt_tensor bias, nt_tensor running_mean,
                                   nt_tensor running_var, nt_replica_group group, int rank, double momentum,
                                   double eps, nt_tensor* out) {
  return nt::guard([&] {
    TORCH_CHECK(group != nullptr, "null replica group");
    const auto& t = nt::T(x);
    TORCH_CHECK(t.dim() >= 2, "batch_norm expects an input of at least 2 dimensions (N, C, ...), got ", t.sizes());
    TORCH_CHECK((running_mean == nullptr) == (running_var == nullptr), "give both running statistics or neither");
    auto opt = [](nt_tensor h) { return h == nullptr ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(nt::T(h)); };
    *out = nt::wrap(ReplicatedBatchNorm::apply(t, opt(weight), opt(bias), opt(running_mean), opt(running_var),
                                               reinterpret_cast<int64_t>(group), rank, momentum, eps));
  });
}

nt_status nt_threads_set_this_thread(int n) {
  return nt::guard([&] {
    TORCH_CHECK(n >= 1, "thread count must be at least 1, got ", n);
    // The first parallel region on a thread would reset its count to the process default: take that first.
    at::internal::lazy_init_num_threads();
#if AT_PARALLEL_OPENMP
    // Only this thread's OpenMP count: at::set_num_threads also resizes the shared pthreadpool, whose
    // re-created threads spin (a fifth of a data-parallel step's CPU time when called every step).
    omp_set_num_threads(n);
#else
    at::set_num_threads(n);
#endif
  });
}

}
