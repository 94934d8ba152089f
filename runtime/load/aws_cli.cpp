// AWS CLI outputs, recognised by their top-level keys rather than file names:
// {"Vpcs": [...]}, {"RouteTables": [...]}, a SageMaker describe-* object, an
// array of those, or {"TrainingJobs": [...]}-style wrappers.
#include <fmt/format.h>

#include "runtime/load/aws_common.hpp"

namespace ward::load {

namespace {

// Outputs Ward understands but takes nothing from: no warning for them.
bool isIgnoredKey(std::string_view key) {
  static constexpr std::string_view kIgnored[] = {
      "LoadBalancers",       "LoadBalancerAttributes",   "LoadBalancerListeners", "LoadBalancerTargetHealth",
      "TargetGroups",        "DBInstances",              "DomainStatusList",      "ServiceDetails",
      "ServiceNames",        "TransitGatewayPropagations", "TransitGatewayRouteTables",
      "SecurityGroupRules",  "ResponseMetadata",         "NextToken",             "nextToken",
  };
  return std::find(std::begin(kIgnored), std::end(kIgnored), key) != std::end(kIgnored);
}

bool isSageMakerMarker(std::string_view key) {
  return key == "TrainingJobArn" || key == "ProcessingJobArn" || key == "ModelArn" || key == "EndpointArn" ||
         key == "EndpointConfigArn" || key == "NotebookInstanceArn" || key == "DomainArn";
}

const Collection* findCollection(std::string_view key) {
  for (auto table : {ec2Collections(), ec2MoreCollections(), hybridCollections()})
    for (const Collection& c : table)
      if (c.key == key) return &c;
  return nullptr;
}

}  // namespace

bool isAwsCollectionKey(std::string_view key) { return findCollection(key) || isSageMakerWrapper(key); }

bool readAwsObject(Loader& l, JsonFile& j, od::value& root) {
  Aws c(l, j);
  od::object o = j.object(root);
  bool sagemaker = false;
  // Optimization: the first collection key settles it (a describe output has
  // none), so the pass does not skip over a whole collection's array.
  j.fields(o, [&](std::string_view key, od::value&) {
    sagemaker = isSageMakerMarker(key);
    return !sagemaker && !isAwsCollectionKey(key);
  });
  j.reset(o);
  // One describe output: the root object is the resource.
  if (sagemaker) return readSageMakerObject(c, o);
  bool recognised = false;
  j.fields(o, [&](std::string_view key, od::value& v) {
    if (const Collection* coll = findCollection(key)) {
      recognised = true;
      if (j.isNull(v)) return;
      j.elements(v, [&](od::value& item) { coll->read(c, item); });
    } else if (isSageMakerWrapper(key)) {
      recognised = true;
      j.elements(v, [&](od::value& item) {
        const char* at = j.at(item);
        if (!readSageMakerObject(c, item))
          j.fail(at, fmt::format("expected a SageMaker describe output at {}", j.pointer()));
      });
    } else if (key == "NextToken" || key == "nextToken") {
      if (!j.isNull(v) && !j.string(v).empty())
        l.b.warn(inputWarning(j.where(j.keyAt(key)),
                              "the snapshot is incomplete: this AWS CLI output has a NextToken, so it holds only "
                              "the first page of results (export it again letting the CLI paginate)"));
    } else {
      recognised = recognised || isIgnoredKey(key);
      j.skip(v);
    }
  });
  return recognised;
}

bool readAwsArray(Loader& l, JsonFile& j, od::value& root) {
  Aws c(l, j);
  size_t recognised = 0, other = 0;
  j.elements(root, [&](od::value& item) {
    if (!j.raw(item).starts_with('{')) {
      ++other;
      j.skip(item);
      return;
    }
    od::object o = j.object(item);
    if (readSageMakerObject(c, o)) ++recognised;
    else ++other;
  });
  if (recognised > 0 && other > 0)
    l.b.warn(inputWarning(j.name(), fmt::format("{} elements of this array are not SageMaker describe outputs and "
                                                "are ignored",
                                                other)));
  // An empty array is an empty snapshot.
  return recognised > 0 || other == 0;
}

}  // namespace ward::load
