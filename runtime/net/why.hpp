// `ward why`: diagnoses, service by service, whether a SageMaker workload (or
// an instance or interface) can reach the AWS services it needs, which path
// each subnet would use, what blocks the others, and how to fix it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "runtime/net/reach.hpp"

namespace ward {
class FactBase;
}

namespace ward::net {

// One way a subnet could reach a service: the S3 gateway endpoint, an
// interface endpoint with private DNS, or NAT gateway → internet gateway.
struct WhyPath {
  std::string path;    // "gateway endpoint", "interface endpoint", "NAT gateway → internet gateway"
  std::string status;  // "works", "blocked", "not used"
  std::string via;     // the endpoint or NAT gateway, when there is one
  std::optional<BlockedBy> blockedBy;  // set when blocked
  std::string note;    // why the path is not used
  bool taken = false;  // the path the flow takes (private DNS, then routes, decide)
};

struct WhySubnet {
  std::string subnet;
  std::string az;
  bool reachable = false;
  std::string via;  // the path that works, e.g. "interface endpoint vpce-1"
  std::vector<WhyPath> paths;
};

struct WhyService {
  std::string service;  // short name: "s3", "ecr.dkr"
  std::string purpose;
  bool reachable = false;
  std::vector<WhySubnet> subnets;
  // Set when blocked: the component that decides (from the first blocked
  // subnet), the symptom a user sees, and the fix with its cost trade-off.
  std::optional<BlockedBy> blockedBy;
  std::string symptom;
  std::string fix;
};

struct WhyReport {
  std::string kind;  // schema kind, e.g. "training_job"
  std::string id;
  std::string name;
  std::string vpc;
  std::vector<std::string> subnets;
  std::vector<std::string> securityGroups;
  // Set when the workload needs no VPC path (no subnets, or SageMaker-managed
  // internet access); `services` is then empty.
  std::string note;
  std::vector<WhyService> services;

  bool allReachable() const;
};

// Normalises a kind as typed on the command line ("training-job" →
// "training_job"); an error with a did-you-mean when `ward why` does not
// diagnose that kind.
Result<std::string> whyKind(std::string_view text);
// The kinds `ward why` accepts, for messages.
const std::vector<std::string>& whyKinds();

// Errors: an unknown kind or id (with a did-you-mean), or a query the
// reachability engine rejects.
Result<WhyReport> diagnose(const FactBase& facts, const ReachEngine& engine, std::string_view kind,
                           std::string_view id);

std::string renderWhyText(const WhyReport& report);
std::string renderWhyJson(const WhyReport& report);

}  // namespace ward::net
