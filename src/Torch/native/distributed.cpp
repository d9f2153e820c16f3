// Data parallelism across processes: a c10d process group on Gloo (TCP), met through a TCPStore that rank 0
// hosts or a FileStore in a shared folder, and the collectives a data-parallel step needs: allreduce (sum) of the
// gradients, broadcast of rank 0's weights, a barrier, and synchronized batch norm's meeting point (replica.h)
// across the processes. Built only when this libtorch has c10d with Gloo (NT_HAVE_GLOO, set by CMakeLists.txt);
// without it every export here fails with NT_ERR_UNSUPPORTED, so the shim still builds against any libtorch.
#include "norms_torch.h"

#include "guard.h"
#include "replica.h"

#ifdef NT_HAVE_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>
#endif

namespace {

#ifndef NT_HAVE_GLOO
// The one message of a libtorch built without c10d/Gloo; its status (NT_ERR_UNSUPPORTED) is what callers test.
constexpr const char* kNoGloo = "this libtorch has no Gloo (c10d was built without USE_C10D_GLOO, or gloo's headers were missing when the shim was built)";

nt_status unsupported() {
  nt::set_error(kNoGloo);
  return NT_ERR_UNSUPPORTED;
}
#else

struct Group {
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  std::chrono::milliseconds timeout;
};

Group* G(nt_process_group h) {
  if (h == nullptr) throw std::invalid_argument("null process group");
  return reinterpret_cast<Group*>(h);
}

Group* make_group(const c10::intrusive_ptr<c10d::Store>& store, int rank, int world, std::chrono::milliseconds timeout,
                  const char* bind_address) {
  // The store's keys get a prefix of our own, so another user of the same store (torchrun's, say) cannot collide.
  auto prefixed = c10::make_intrusive<c10d::PrefixStore>("norms", store);
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // Gloo's own connections bind to the address given (loopback for a job on one machine), else to this host's name's
  // address, as torch.distributed does by default.
  options->devices.push_back(bind_address != nullptr && *bind_address != '\0'
                                 ? c10d::ProcessGroupGloo::createDeviceForHostname(bind_address)
                                 : c10d::ProcessGroupGloo::createDefaultDevice());
  options->threads = 1;  // one collective at a time: a step's allreduce is one flat buffer
  auto pg = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank, world, options);
  return new Group{pg, timeout};
}

// What the network does (joining, a collective) fails as the engine's error, not the caller's: a peer gone, a timeout.
// c10::Error would be classified as an argument error (guard.h); the message stays libtorch's.
template <class F>
auto over_network(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const c10::Error& e) {
    throw std::runtime_error(e.what_without_backtrace());
  }
}

void check_ranks(int rank, int world) {
  TORCH_CHECK(world >= 1, "a process group needs at least one process, got world size ", world);
  TORCH_CHECK(rank >= 0 && rank < world, "rank ", rank, " out of range for world size ", world);
}

std::chrono::milliseconds checked_timeout(int64_t timeout_ms) {
  TORCH_CHECK(timeout_ms > 0, "the timeout must be positive, got ", timeout_ms, " ms");
  return std::chrono::milliseconds(timeout_ms);
}

std::vector<at::Tensor> tensors_of(const nt_tensor* ts, int count) {
  TORCH_CHECK(count >= 0 && (count == 0 || ts != nullptr), "invalid tensor list");
  std::vector<at::Tensor> out;
  out.reserve(count);
  for (int i = 0; i < count; i++) {
    const auto& t = nt::T(ts[i]);
    TORCH_CHECK(t.device().is_cpu(), "collectives run on CPU tensors here, got one on ", t.device());
    TORCH_CHECK(t.scalar_type() == nt::T(ts[0]).scalar_type(), "every tensor of a collective must have one dtype; got ",
                t.scalar_type(), " and ", nt::T(ts[0]).scalar_type());
    out.push_back(t);
  }
  return out;
}

// One flat buffer for the whole list: one collective (and one Gloo round trip per ring step) instead of one per tensor;
// a step's gradients are a few dozen small tensors. Values are copied back in each tensor's own logical order, so
// non-contiguous (channels-last) tensors come back right.
template <class Collective>
void coalesced(Group* g, std::vector<at::Tensor>& tensors, Collective&& run) {
  if (tensors.empty()) return;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> flat_parts;
  flat_parts.reserve(tensors.size());
  for (const auto& t : tensors) flat_parts.push_back(t.reshape({-1}));
  std::vector<at::Tensor> buffer{at::cat(flat_parts)};
  over_network([&] { run(buffer)->wait(g->timeout); });
  int64_t offset = 0;
  for (auto& t : tensors) {
    const auto n = t.numel();
    t.copy_(buffer[0].narrow(0, offset, n).view(t.sizes()));
    offset += n;
  }
}

// Synchronized batch norm's meeting across processes: an allgather of each rank's float64 statistics. Abort has
// nothing to wake here: a collective whose peer is gone fails by itself (a closed connection, or the timeout).
class ProcessMeeting final : public nt::Meeting {
 public:
  explicit ProcessMeeting(c10::intrusive_ptr<c10d::ProcessGroupGloo> pg, std::chrono::milliseconds timeout)
      : pg_(std::move(pg)), timeout_(timeout) {}

  int parties() const override { return pg_->getSize(); }

  std::vector<std::vector<double>> all_gather(int rank, std::vector<double> local) override {
    TORCH_CHECK(rank == pg_->getRank(), "this process is rank ", pg_->getRank(), " of its process group, not ", rank);
    const auto n = static_cast<int64_t>(local.size());
    auto input = at::empty({n}, at::kDouble);
    std::copy(local.begin(), local.end(), input.data_ptr<double>());
    std::vector<at::Tensor> inputs{input};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < pg_->getSize(); r++) outputs[0].push_back(at::empty({n}, at::kDouble));
    over_network([&] { pg_->allgather(outputs, inputs)->wait(timeout_); });
    std::vector<std::vector<double>> parts;
    parts.reserve(outputs[0].size());
    for (const auto& t : outputs[0]) parts.emplace_back(t.data_ptr<double>(), t.data_ptr<double>() + n);
    return parts;
  }

  void abort() override {}

 private:
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg_;
  std::chrono::milliseconds timeout_;
};

#endif

}  // namespace

extern "C" {

bool nt_dist_available(void) {
#ifdef NT_HAVE_GLOO
  return true;
#else
  return false;
#endif
}

#ifdef NT_HAVE_GLOO

nt_status nt_dist_group_tcp(const char* host, int port, int rank, int world_size, int64_t timeout_ms, const char* bind_address,
                            nt_process_group* out) {
  return nt::guard([&] {
    TORCH_CHECK(host != nullptr && *host != '\0', "the master address is empty");
    TORCH_CHECK(port > 0 && port < 65536, "the master port must be in 1..65535, got ", port);
    check_ranks(rank, world_size);
    const auto timeout = checked_timeout(timeout_ms);
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(port);
    opts.isServer = rank == 0;  // rank 0 hosts the store; the others connect to it
    opts.numWorkers = static_cast<std::size_t>(world_size);
    opts.waitWorkers = true;
    opts.timeout = timeout;
    *out = reinterpret_cast<nt_process_group>(over_network([&] {
      auto store = c10::make_intrusive<c10d::TCPStore>(std::string(host), opts);
      return make_group(store, rank, world_size, timeout, bind_address);
    }));
  });
}

nt_status nt_dist_group_file(const char* path, int rank, int world_size, int64_t timeout_ms, const char* bind_address,
                             nt_process_group* out) {
  return nt::guard([&] {
    TORCH_CHECK(path != nullptr && *path != '\0', "the store's file path is empty");
    check_ranks(rank, world_size);
    const auto timeout = checked_timeout(timeout_ms);
    *out = reinterpret_cast<nt_process_group>(over_network([&] {
      auto store = c10::make_intrusive<c10d::FileStore>(std::string(path), world_size);
      store->setTimeout(timeout);
      return make_group(store, rank, world_size, timeout, bind_address);
    }));
  });
}

void nt_dist_group_free(nt_process_group group) { delete reinterpret_cast<Group*>(group); }

nt_status nt_dist_rank(nt_process_group group, int* rank, int* world_size) {
  return nt::guard([&] {
    auto* g = G(group);
    *rank = g->pg->getRank();
    *world_size = g->pg->getSize();
  });
}

nt_status nt_dist_allreduce_sum(nt_process_group group, const nt_tensor* ts, int count) {
  return nt::guard([&] {
    auto* g = G(group);
    auto tensors = tensors_of(ts, count);
    coalesced(g, tensors, [&](std::vector<at::Tensor>& buffer) {
      c10d::AllreduceOptions opts;
      opts.reduceOp = c10d::ReduceOp::SUM;
      return g->pg->allreduce(buffer, opts);
    });
  });
}

nt_status nt_dist_broadcast(nt_process_group group, const nt_tensor* ts, int count, int root) {
  return nt::guard([&] {
    auto* g = G(group);
    TORCH_CHECK(root >= 0 && root < g->pg->getSize(), "broadcast root ", root, " out of range for world size ", g->pg->getSize());
    auto tensors = tensors_of(ts, count);
    coalesced(g, tensors, [&](std::vector<at::Tensor>& buffer) {
      c10d::BroadcastOptions opts;
      opts.rootRank = root;
      return g->pg->broadcast(buffer, opts);
    });
  });
}

nt_status nt_dist_barrier(nt_process_group group) {
  return nt::guard([&] {
    auto* g = G(group);
    over_network([&] { g->pg->barrier()->wait(g->timeout); });
  });
}

nt_status nt_dist_replica_group(nt_process_group group, nt_replica_group* out) {
  return nt::guard([&] {
    auto* g = G(group);
    *out = reinterpret_cast<nt_replica_group>(static_cast<nt::Meeting*>(new ProcessMeeting(g->pg, g->timeout)));
  });
}

#else

nt_status nt_dist_group_tcp(const char*, int, int, int, int64_t, const char*, nt_process_group*) { return unsupported(); }
nt_status nt_dist_group_file(const char*, int, int, int64_t, const char*, nt_process_group*) { return unsupported(); }
void nt_dist_group_free(nt_process_group) {}
nt_status nt_dist_rank(nt_process_group, int*, int*) { return unsupported(); }
nt_status nt_dist_allreduce_sum(nt_process_group, const nt_tensor*, int) { return unsupported(); }
nt_status nt_dist_broadcast(nt_process_group, const nt_tensor*, int, int) { return unsupported(); }
nt_status nt_dist_barrier(nt_process_group) { return unsupported(); }
nt_status nt_dist_replica_group(nt_process_group, nt_replica_group*) { return unsupported(); }

#endif

}
