// Readers of `aws sagemaker describe-*` outputs: training and processing jobs,
// models, endpoint configurations, endpoints, notebook instances and Studio
// domains, recognised by the ARN key each output has.
#include <fmt/format.h>

#include "runtime/load/aws_common.hpp"

namespace ward::load {

namespace {

enum class Kind { None, Training, Processing, Model, EndpointConfig, Endpoint, Notebook, Domain };

// Common attributes of every workload kind.
struct WorkloadIds {
  explicit WorkloadIds(std::string_view kind)
      : k(kindNamed(kind)),
        arn(attrNamed(k, "arn")),
        name(attrNamed(k, "name")),
        kms(attrNamed(k, "kms_keys")),
        status(Schema::aws().kind(k).find("status").value_or(kNoAttr)),
        subnets(Schema::aws().kind(k).find("subnets").value_or(kNoAttr)),
        groups(Schema::aws().kind(k).find("security_groups").value_or(kNoAttr)) {}
  KindId k;
  AttrId arn, name, kms, status, subnets, groups;
};

// Gathers KMS key ids from the several places an output names them.
class KmsKeys {
public:
  void add(Aws& c, od::value& v) {
    if (c.j.isNull(v)) return;
    std::string_view id = c.j.string(v);
    if (id.empty()) return;
    Value key = Value::string(c.b.intern(id));
    if (std::none_of(keys_.begin(), keys_.end(), [&](const Value& k) { return k.sameBits(key); }))
      keys_.push_back(key);
  }
  // The "KmsKeyId" member of a nested config object ({"KmsKeyId": ..., ...}).
  void addMemberOf(Aws& c, od::value& config) {
    c.j.fields(config, [&](std::string_view k, od::value& x) {
      if (k == "KmsKeyId") add(c, x);
      else c.j.skip(x);
    });
  }
  void store(Aws& c, Ent& e, AttrId attr) { e.set(attr, c.b.makeList(keys_)); }

private:
  std::vector<Value> keys_;
};

// Starts a workload: its name is its id (the domain's id is its DomainId).
Ent start(Aws& c, od::object& o, const WorkloadIds& A, std::string_view idKey, std::string_view nameKey) {
  Ent e = c.begin(A.k, o, idKey);
  if (idKey == nameKey) e.set(A.name, c.b.get(A.k, e.index, 0));
  return e;
}

// Fields every workload output may have; returns whether it handled the key.
bool commonField(Aws& c, Ent& e, const WorkloadIds& A, std::string_view key, od::value& v, std::string_view arnKey,
                 std::string_view statusKey) {
  if (key == arnKey) {
    std::string_view arn = c.j.string(v);
    e.set(A.arn, Value::string(c.b.intern(arn)));
    e.arn(arn);
    return true;
  }
  if (key == statusKey && A.status != kNoAttr) {
    e.str(A.status, v);
    return true;
  }
  if (key == "Tags") {
    e.tags(v, false);
    return true;
  }
  return false;
}

// VpcConfig: {"SecurityGroupIds": [...], "Subnets": [...]}.
void vpcConfig(Aws& c, Ent& e, const WorkloadIds& A, od::value& v) {
  c.j.fields(v, [&](std::string_view k, od::value& x) {
    if (c.j.isNull(x)) return;
    if (k == "Subnets") e.refs(A.subnets, x);
    else if (k == "SecurityGroupIds") e.refs(A.groups, x);
    else c.j.skip(x);
  });
}

// Reads member `key` of a nested object with fn; skips the rest.
template <class F>
void nested(Aws& c, od::value& v, F&& fn) {
  c.j.fields(v, [&](std::string_view k, od::value& x) {
    if (c.j.isNull(x)) return;
    if (!fn(k, x)) c.j.skip(x);
  });
}

void readTraining(Aws& c, od::object& o) {
  static const WorkloadIds A("training_job");
  static const AttrId isolation = attrNamed(A.k, "network_isolation"),
                      encryption = attrNamed(A.k, "intercontainer_encryption"),
                      count = attrNamed(A.k, "instance_count");
  Ent e = start(c, o, A, "TrainingJobName", "TrainingJobName");
  KmsKeys kms;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "TrainingJobName" || c.j.isNull(v)) return;
    if (commonField(c, e, A, key, v, "TrainingJobArn", "TrainingJobStatus")) return;
    if (key == "VpcConfig") vpcConfig(c, e, A, v);
    else if (key == "EnableNetworkIsolation") e.boolean(isolation, v);
    else if (key == "EnableInterContainerTrafficEncryption") e.boolean(encryption, v);
    else if (key == "ResourceConfig")
      nested(c, v, [&](std::string_view k, od::value& x) {
        if (k == "InstanceCount") e.integer(count, x);
        else if (k == "VolumeKmsKeyId") kms.add(c, x);
        else return false;
        return true;
      });
    else if (key == "OutputDataConfig") kms.addMemberOf(c, v);
    else c.j.skip(v);
  });
  kms.store(c, e, A.kms);
}

void readProcessing(Aws& c, od::object& o) {
  static const WorkloadIds A("processing_job");
  static const AttrId isolation = attrNamed(A.k, "network_isolation"),
                      encryption = attrNamed(A.k, "intercontainer_encryption"),
                      count = attrNamed(A.k, "instance_count");
  Ent e = start(c, o, A, "ProcessingJobName", "ProcessingJobName");
  KmsKeys kms;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "ProcessingJobName" || c.j.isNull(v)) return;
    if (commonField(c, e, A, key, v, "ProcessingJobArn", "ProcessingJobStatus")) return;
    if (key == "NetworkConfig")
      nested(c, v, [&](std::string_view k, od::value& x) {
        if (k == "EnableNetworkIsolation") e.boolean(isolation, x);
        else if (k == "EnableInterContainerTrafficEncryption") e.boolean(encryption, x);
        else if (k == "VpcConfig") vpcConfig(c, e, A, x);
        else return false;
        return true;
      });
    else if (key == "ProcessingResources")
      nested(c, v, [&](std::string_view k, od::value& x) {
        if (k != "ClusterConfig") return false;
        nested(c, x, [&](std::string_view k2, od::value& y) {
          if (k2 == "InstanceCount") e.integer(count, y);
          else if (k2 == "VolumeKmsKeyId") kms.add(c, y);
          else return false;
          return true;
        });
        return true;
      });
    else if (key == "ProcessingOutputConfig") kms.addMemberOf(c, v);
    else c.j.skip(v);
  });
  kms.store(c, e, A.kms);
}

void readModel(Aws& c, od::object& o) {
  static const WorkloadIds A("model");
  static const AttrId isolation = attrNamed(A.k, "network_isolation");
  Ent e = start(c, o, A, "ModelName", "ModelName");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "ModelName" || c.j.isNull(v)) return;
    if (commonField(c, e, A, key, v, "ModelArn", "")) return;
    if (key == "VpcConfig") vpcConfig(c, e, A, v);
    else if (key == "EnableNetworkIsolation") e.boolean(isolation, v);
    else c.j.skip(v);
  });
}

void readEndpointConfig(Aws& c, od::object& o) {
  static const WorkloadIds A("endpoint_config");
  static const AttrId models = attrNamed(A.k, "models");
  Ent e = start(c, o, A, "EndpointConfigName", "EndpointConfigName");
  KmsKeys kms;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "EndpointConfigName" || c.j.isNull(v)) return;
    if (commonField(c, e, A, key, v, "EndpointConfigArn", "")) return;
    if (key == "ProductionVariants") e.refsIn(models, v, "ModelName");
    else if (key == "KmsKeyId") kms.add(c, v);
    else if (key == "DataCaptureConfig") kms.addMemberOf(c, v);
    else c.j.skip(v);
  });
  kms.store(c, e, A.kms);
}

void readEndpoint(Aws& c, od::object& o) {
  static const WorkloadIds A("endpoint");
  static const AttrId config = attrNamed(A.k, "config");
  Ent e = start(c, o, A, "EndpointName", "EndpointName");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "EndpointName" || c.j.isNull(v)) return;
    if (commonField(c, e, A, key, v, "EndpointArn", "EndpointStatus")) return;
    if (key == "EndpointConfigName") e.ref(config, v);
    else c.j.skip(v);
  });
}

void readNotebook(Aws& c, od::object& o) {
  static const WorkloadIds A("notebook_instance");
  static const AttrId subnet = attrNamed(A.k, "subnet"), direct = attrNamed(A.k, "direct_internet"),
                      type = attrNamed(A.k, "instance_type");
  Ent e = start(c, o, A, "NotebookInstanceName", "NotebookInstanceName");
  KmsKeys kms;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "NotebookInstanceName" || c.j.isNull(v)) return;
    if (commonField(c, e, A, key, v, "NotebookInstanceArn", "NotebookInstanceStatus")) return;
    if (key == "SubnetId") e.ref(subnet, v);
    else if (key == "SecurityGroups") e.refs(A.groups, v);
    else if (key == "DirectInternetAccess") e.set(direct, Value::boolean(c.j.string(v) == "Enabled"));
    else if (key == "InstanceType") e.str(type, v);
    else if (key == "KmsKeyId") kms.add(c, v);
    else c.j.skip(v);
  });
  kms.store(c, e, A.kms);
}

void readDomain(Aws& c, od::object& o) {
  static const WorkloadIds A("domain");
  static const AttrId access = attrNamed(A.k, "network_access"), vpc = attrNamed(A.k, "vpc"),
                      domainName = attrNamed(A.k, "domain_name");
  Ent e = start(c, o, A, "DomainId", "DomainName");
  KmsKeys kms;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "DomainId" || c.j.isNull(v)) return;
    if (commonField(c, e, A, key, v, "DomainArn", "Status")) return;
    if (key == "DomainName") {
      e.str(domainName, v);
      e.set(A.name, c.b.get(A.k, e.index, domainName));
    } else if (key == "AppNetworkAccessType") e.str(access, v);
    else if (key == "VpcId") e.ref(vpc, v);
    else if (key == "SubnetIds") e.refs(A.subnets, v);
    else if (key == "KmsKeyId") kms.add(c, v);
    else if (key == "DefaultUserSettings")
      nested(c, v, [&](std::string_view k, od::value& x) {
        if (k != "SecurityGroups") return false;
        e.refs(A.groups, x);
        return true;
      });
    else c.j.skip(v);
  });
  kms.store(c, e, A.kms);
}

}  // namespace

bool isSageMakerWrapper(std::string_view key) {
  return key == "TrainingJobs" || key == "ProcessingJobs" || key == "Models" || key == "EndpointConfigs" ||
         key == "Endpoints" || key == "NotebookInstances" || key == "Domains";
}

bool readSageMakerObject(Aws& c, od::value& v) {
  if (!c.j.raw(v).starts_with('{')) return false;
  od::object o = c.j.object(v);
  return readSageMakerObject(c, o);
}

bool readSageMakerObject(Aws& c, od::object& o) {
  // The ARN key tells which describe call produced the object. A processing
  // job started by a training job also names the training job's ARN, and an
  // endpoint names its configuration, hence the order below.
  bool training = false, processing = false, model = false, endpoint = false, config = false, notebook = false,
       domain = false;
  c.j.fields(o, [&](std::string_view key, od::value&) {
    training |= key == "TrainingJobArn";
    processing |= key == "ProcessingJobArn";
    model |= key == "ModelArn";
    endpoint |= key == "EndpointArn";
    config |= key == "EndpointConfigArn";
    notebook |= key == "NotebookInstanceArn";
    domain |= key == "DomainArn";
  });
  c.j.reset(o);
  if (processing) readProcessing(c, o);
  else if (training) readTraining(c, o);
  else if (notebook) readNotebook(c, o);
  else if (domain) readDomain(c, o);
  else if (config) readEndpointConfig(c, o);
  else if (endpoint) readEndpoint(c, o);
  else if (model) readModel(c, o);
  else {
    // Not a SageMaker output: still check what is in it.
    c.j.fields(o, [&](std::string_view, od::value& x) { c.j.skip(x); });
    return false;
  }
  return true;
}

}  // namespace ward::load
