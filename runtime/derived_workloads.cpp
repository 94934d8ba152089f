// Derived attributes of SageMaker workloads (VPC mode, VPC, encryption, AZs;
// an endpoint's network settings come from its models) and the ML view of
// subnets and VPCs: which workloads run in them.
#include "runtime/derived_util.hpp"

namespace ward::aws {

void addWorkloadDerived(Schema& s) {
  using B = BaseType;
  const KindId subnet = kindOf(s, "subnet"), vpc = kindOf(s, "vpc"), sg = kindOf(s, "security_group"),
               model = kindOf(s, "model"), endpoint = kindOf(s, "endpoint"),
               endpointConfig = kindOf(s, "endpoint_config"), notebook = kindOf(s, "notebook_instance"),
               domain = kindOf(s, "domain");
  auto a = [&](KindId k, std::string_view name) { return attrOf(s, k, name); };
  const AttrId subnetVpc = a(subnet, "vpc"), subnetAz = a(subnet, "az");
  Deriver d{s};

  // A notebook instance names one subnet; its `subnets` is that one, so that
  // every workload answers `subnets` the same way.
  const AttrId notebookSubnet = a(notebook, "subnet");
  d.entity(notebook, "subnets", Type::listOf(B::Entity, subnet), "Its subnet as a list (empty outside a VPC).",
           "derived: [subnet]", [=](const FactBase& fb, EntityIndex i) {
             Value sn = fb.get(notebook, i, notebookSubnet);
             if (!isEntity(sn, subnet)) return fb.derivedList({});
             return fb.derivedList(std::span<const Value>(&sn, 1));
           });

  // An endpoint runs its configuration's models, in their subnets.
  const AttrId endpointCfg = a(endpoint, "config"), cfgModels = a(endpointConfig, "models"),
               cfgKms = a(endpointConfig, "kms_keys"), modelSubnets = a(model, "subnets"),
               modelSgs = a(model, "security_groups");
  const AttrId endpointModels = d.entity(endpoint, "models", Type::listOf(B::Entity, model),
      "The models of its configuration.", "derived: config.models", [=](const FactBase& fb, EntityIndex i) {
        Value c = fb.get(endpoint, i, endpointCfg);
        if (!isEntity(c, endpointConfig)) return fb.derivedList({});
        auto models = fb.list(fb.get(endpointConfig, c.entityIndex(), cfgModels));
        return fb.derivedList(models);
      });
  auto unionOverModels = [=](AttrId modelAttr) {
    return [=](const FactBase& fb, EntityIndex i) {
      std::vector<Value> out;
      for (const Value& m : fb.list(fb.get(endpoint, i, endpointModels)))
        for (const Value& v : fb.list(fb.get(model, m.entityIndex(), modelAttr)))
          if (std::none_of(out.begin(), out.end(), [&](const Value& w) { return w.sameBits(v); })) out.push_back(v);
      return fb.derivedList(out);
    };
  };
  d.entity(endpoint, "subnets", Type::listOf(B::Entity, subnet), "The subnets of its models, without repeats.",
           "derived: models[].subnets", unionOverModels(modelSubnets));
  d.entity(endpoint, "security_groups", Type::listOf(B::Entity, sg),
           "The security groups of its models, without repeats.", "derived: models[].security_groups",
           unionOverModels(modelSgs));
  d.entity(endpoint, "kms_keys", Type::listOf(B::String), "The KMS keys of its configuration.",
           "derived: config.kms_keys", [=](const FactBase& fb, EntityIndex i) {
             Value c = fb.get(endpoint, i, endpointCfg);
             if (!isEntity(c, endpointConfig)) return fb.derivedList({});
             return fb.derivedList(fb.list(fb.get(endpointConfig, c.entityIndex(), cfgKms)));
           });

  // The views every VPC-capable workload shares.
  const KindId workloads[] = {kindOf(s, "training_job"), kindOf(s, "processing_job"), model, endpoint, notebook,
                              domain};
  for (KindId w : workloads) {
    const AttrId subnets = a(w, "subnets"), kms = a(w, "kms_keys");
    d.entity(w, "vpc_mode", Type::of(B::Bool), "Whether it runs in a VPC (has subnets).",
             "derived: subnets non-empty",
             [=](const FactBase& fb, EntityIndex i) { return Value::boolean(fb.get(w, i, subnets).listLength() > 0); });
    if (w != domain) {
      d.entity(w, "vpc", Type::entity(vpc).orNull(), "The VPC of its first subnet.", "derived: subnets[0].vpc",
               [=](const FactBase& fb, EntityIndex i) {
                 auto list = fb.list(fb.get(w, i, subnets));
                 if (list.empty() || !isEntity(list[0], subnet)) return Value{};
                 return fb.get(subnet, list[0].entityIndex(), subnetVpc);
               });
    }
    d.entity(w, "encrypted", Type::of(B::Bool), "Whether it uses KMS keys.", "derived: kms_keys non-empty",
             [=](const FactBase& fb, EntityIndex i) { return Value::boolean(fb.get(w, i, kms).listLength() > 0); });
    d.entity(w, "azs", Type::listOf(B::String), "The availability zones of its subnets, sorted.",
             "derived: subnets[].az", [=](const FactBase& fb, EntityIndex i) {
               return distinctAzs(fb, fb.list(fb.get(w, i, subnets)), subnet, subnetAz);
             });
  }

  // Which workloads use a subnet / a VPC. Endpoints are left out: they run in
  // their models' subnets, and the models are listed.
  const KindId listed[] = {kindOf(s, "training_job"), kindOf(s, "processing_job"), model, notebook, domain};
  const AttrId domainVpc = a(domain, "vpc");
  std::vector<std::pair<KindId, AttrId>> subnetAttrs;
  for (KindId w : listed) subnetAttrs.emplace_back(w, a(w, "subnets"));
  const AttrId subnetMl = d.column(subnet, "ml_workloads", Type::listOf(B::Any),
      "The SageMaker training and processing jobs, models, notebook instances and Studio domains that run in it.",
      "derived: workloads whose subnets include it", [=](const FactBase& fb, KindId, DerivedColumn& out) {
        Grouper g(fb.count(subnet));
        for (auto [w, attr] : subnetAttrs)
          for (EntityIndex i = 0; i < fb.count(w); ++i)
            for (const Value& sn : fb.list(fb.get(w, i, attr)))
              if (isEntity(sn, subnet)) g.add(sn.entityIndex(), Value::entity(w, i));
        g.emit(out);
      });
  d.entity(subnet, "has_ml_workloads", Type::of(B::Bool), "Whether any ML workload runs in it.",
           "derived: ml_workloads non-empty",
           [=](const FactBase& fb, EntityIndex i) { return Value::boolean(fb.get(subnet, i, subnetMl).listLength() > 0); });
  const AttrId vpcMl = d.column(vpc, "ml_workloads", Type::listOf(B::Any),
      "The ML workloads that run in its subnets (and Studio domains in it).",
      "derived: workloads whose subnets are in it", [=](const FactBase& fb, KindId, DerivedColumn& out) {
        Grouper g(fb.count(vpc));
        for (auto [w, attr] : subnetAttrs)
          for (EntityIndex i = 0; i < fb.count(w); ++i) {
            for (const Value& sn : fb.list(fb.get(w, i, attr))) {
              if (!isEntity(sn, subnet)) continue;
              Value v = fb.get(subnet, sn.entityIndex(), subnetVpc);
              if (isEntity(v, vpc)) g.add(v.entityIndex(), Value::entity(w, i));
            }
            if (w == domain) {
              Value v = fb.get(domain, i, domainVpc);
              if (isEntity(v, vpc)) g.add(v.entityIndex(), Value::entity(w, i));
            }
          }
        g.emit(out);
      });
  d.entity(vpc, "has_ml_workloads", Type::of(B::Bool), "Whether any ML workload runs in it.",
           "derived: ml_workloads non-empty",
           [=](const FactBase& fb, EntityIndex i) { return Value::boolean(fb.get(vpc, i, vpcMl).listLength() > 0); });
  // The inverse of endpoint.subnets at the VPC level, so that "does this VPC
  // host a VPC-mode endpoint" is a lookup, not a scan of every endpoint.
  const AttrId endpointSubnets = a(endpoint, "subnets");
  d.column(vpc, "sagemaker_endpoints", Type::listOf(B::Entity, endpoint),
      "The SageMaker endpoints with a subnet in it (through their models' VPC configuration).",
      "derived: endpoints whose subnets are in it", [=](const FactBase& fb, KindId, DerivedColumn& out) {
        Grouper g(fb.count(vpc));
        // An endpoint with two subnets in one VPC is listed once (Grouper).
        for (EntityIndex i = 0; i < fb.count(endpoint); ++i)
          for (const Value& sn : fb.list(fb.get(endpoint, i, endpointSubnets))) {
            if (!isEntity(sn, subnet)) continue;
            Value v = fb.get(subnet, sn.entityIndex(), subnetVpc);
            if (isEntity(v, vpc)) g.add(v.entityIndex(), Value::entity(endpoint, i));
          }
        g.emit(out);
      });
}

}  // namespace ward::aws
