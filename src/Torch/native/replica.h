/*
 * Data-parallel replicas on one machine (replica.cpp): the batch is split between threads that run the
 * same model on their share concurrently, each with one intra-op thread. What must be shared between
 * them is shared here: batch-norm statistics (a barrier that gathers each replica's partial sums). Dropout needs nothing
 * shared: its masks are keyed by each sample's position (fused.h).
 * Same ownership and error rules as norms_torch.h.
 */
#pragma once
#include "norms_torch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nt_replica_group_opaque* nt_replica_group;

/* A group of `parties` replicas that meet at each synchronized batch norm. Freed with nt_replica_group_free. */
NT_API nt_status nt_replica_group_new(int parties, nt_replica_group* out);
NT_API void nt_replica_group_free(nt_replica_group group);
/* Wakes every replica waiting in the group with an error, and makes later meetings fail: called when one
 * replica fails, so the others do not wait for it forever. */
NT_API void nt_replica_group_abort(nt_replica_group group);

/* Batch norm in training mode whose statistics cover the whole batch, split over the group's replicas
 * (each calls it with its share, in the same order). Forward gathers per-channel count, mean and squared
 * deviations (combined in rank order, float64, so every replica gets identical statistics); backward
 * gathers sum(dy) and sum(dy * (x - mean)). Running statistics (may be null) are updated with the whole
 * batch's unbiased variance; pass them on one replica only. */
NT_API nt_status nt_norm_batch_replicated(nt_tensor x, nt_tensor weight, nt_tensor bias, nt_tensor running_mean,
                                          nt_tensor running_var, nt_replica_group group, int rank, double momentum,
                                          double eps, nt_tensor* out);

/* The calling thread's intra-op thread count only (at::set_num_threads also sets the process default). */
NT_API nt_status nt_threads_set_this_thread(int n);

#ifdef __cplusplus
}
#endif
