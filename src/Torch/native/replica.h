// The meeting point of synchronized batch norm, as replica.cpp's kernels see it: every party brings a vector and
// gets all of them back in rank order. Two kinds meet there: threads of one process (replica.cpp's ReplicaGroup)
// and processes of a c10d process group (distributed.cpp), so the batch-norm maths has one home for both.
#pragma once
#include <vector>

namespace nt {

class Meeting {
 public:
  virtual ~Meeting() = default;
  virtual int parties() const = 0;
  // Blocks until every party has brought its vector (all the same length); returns them in rank order.
  virtual std::vector<std::vector<double>> all_gather(int rank, std::vector<double> local) = 0;
  // Makes waiting and later meetings fail, so a failed party does not leave the others waiting forever.
  virtual void abort() = 0;
  // Parties that take turns run one at a time (replica.cpp's ReplicaGroup made with turns, for one thread): a party
  // holds the turn from begin_turn to end_turn, and gives it up while it waits in all_gather. Others ignore these.
  virtual void begin_turn(int /*rank*/) {}
  virtual void end_turn(int /*rank*/) {}
};

}  // namespace nt
