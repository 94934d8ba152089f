// Finish hooks of the AWS schema: completions that must happen while the fact
// base can still grow (new entities, new strings), before it is frozen.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "runtime/aws_schema_parts.hpp"

namespace ward::aws {

namespace {

// "us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1".
bool looksLikeRegion(std::string_view s) {
  size_t parts = 1;
  for (char c : s) parts += c == '-';
  if (parts < 3 || s.size() < 6) return false;
  if (!(s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' && s[2] == '-')) return false;
  size_t last = s.rfind('-');
  if (last + 1 >= s.size()) return false;
  for (size_t i = last + 1; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// The short service name: "com.amazonaws.us-east-1.sagemaker.api" ->
// "sagemaker.api", "aws.sagemaker.us-east-1.notebook" -> "sagemaker.notebook".
std::string shortServiceName(std::string_view full) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= full.size()) {
    size_t dot = full.find('.', start);
    if (dot == std::string_view::npos) dot = full.size();
    parts.push_back(full.substr(start, dot - start));
    start = dot + 1;
  }
  size_t i = 0;
  if (parts.size() > 2 && parts[0] == "com" && parts[1] == "amazonaws") i = 2;
  else if (parts.size() > 1 && parts[0] == "aws") i = 1;
  std::string out;
  for (; i < parts.size(); ++i) {
    if (looksLikeRegion(parts[i])) continue;
    if (!out.empty()) out += '.';
    out += parts[i];
  }
  return out;
}

// Every network ACL ends with deny-all entries that the AWS CLI lists as rule
// 32767 (IPv4) and 32768 (IPv6, when the ACL has IPv6 entries). Ward JSON
// usually leaves them out; add whichever is missing so that `inbound` and
// `outbound` always end in the rule AWS applies.
void addImplicitNaclDenies(FactBaseBuilder& b) {
  const Schema& s = b.schema();
  const KindId acl = kindOf(s, "network_acl"), entry = kindOf(s, "nacl_entry");
  const AttrId eAcl = attrOf(s, entry, "acl"), eEgress = attrOf(s, entry, "egress"),
               eRule = attrOf(s, entry, "rule_number"), eCidr = attrOf(s, entry, "cidr"),
               eAction = attrOf(s, entry, "action"), eTraffic = attrOf(s, entry, "traffic");
  // Per ACL and direction: bit 0 = has IPv4 deny-all, 1 = has IPv6 entries, 2 = has IPv6 deny-all.
  std::vector<uint8_t> seen(b.count(acl) * 2, 0);
  for (EntityIndex e = 0; e < b.count(entry); ++e) {
    Value owner = b.get(entry, e, eAcl);
    if (!isEntity(owner, acl)) continue;
    size_t slot = owner.entityIndex() * 2 + (isTrue(b.get(entry, e, eEgress)) ? 1 : 0);
    Value c = b.get(entry, e, eCidr);
    bool v6 = c.tag == Tag::Cidr && c.asCidr().addr.family == 6;
    bool catchAll = c.tag == Tag::Cidr && c.asCidr().prefix == 0;
    Value rule = b.get(entry, e, eRule);
    bool star = rule.tag == Tag::Int && (rule.asInt() == 32767 || rule.asInt() == 32768) && catchAll;
    if (v6) seen[slot] |= 2;
    if (star) seen[slot] |= v6 ? 4 : 1;
  }
  StrId deny = b.intern("deny");
  for (EntityIndex a = 0; a < b.count(acl); ++a) {
    std::string aclId(b.str(b.get(acl, a, 0).asString()));
    for (int egress = 0; egress < 2; ++egress) {
      uint8_t flags = seen[a * 2 + egress];
      auto add = [&](int ruleNumber, const char* block) {
        std::string id = aclId + (egress ? ":out:" : ":in:") + std::to_string(ruleNumber);
        EntityIndex e = b.upsert(entry, id);
        b.set(entry, e, eAcl, Value::entity(acl, a));
        b.set(entry, e, eEgress, Value::boolean(egress != 0));
        b.set(entry, e, eRule, Value::integer(ruleNumber));
        b.set(entry, e, eAction, Value::string(deny));
        b.set(entry, e, eTraffic, Value::traffic(net::Traffic{}));
        b.set(entry, e, eCidr, Value::cidr(*net::parseCidr(block)));
      };
      if (!(flags & 1)) add(32767, "0.0.0.0/0");
      if ((flags & 2) && !(flags & 4)) add(32768, "::/0");
    }
  }
}

// Short service names and endpoint types, unless the input gave them.
void completeServices(FactBaseBuilder& b) {
  const Schema& s = b.schema();
  const KindId vpce = kindOf(s, "vpc_endpoint"), pl = kindOf(s, "prefix_list");
  const AttrId vName = attrOf(s, vpce, "service_name"), vService = attrOf(s, vpce, "service"),
               vType = attrOf(s, vpce, "endpoint_type");
  for (EntityIndex i = 0; i < b.count(vpce); ++i) {
    Value name = b.get(vpce, i, vName), service = b.get(vpce, i, vService);
    if (service.isNull() && name.tag == Tag::String)
      b.set(vpce, i, vService, Value::string(b.intern(shortServiceName(b.str(name.asString())))));
    service = b.get(vpce, i, vService);
    if (b.get(vpce, i, vType).isNull() && service.tag == Tag::String) {
      std::string_view sv = b.str(service.asString());
      bool gateway = sv == "s3" || sv == "dynamodb";
      b.set(vpce, i, vType, Value::string(b.intern(gateway ? "gateway" : "interface")));
    }
  }
  const AttrId pName = attrOf(s, pl, "prefix_list_name"), pService = attrOf(s, pl, "service");
  for (EntityIndex i = 0; i < b.count(pl); ++i) {
    Value name = b.get(pl, i, pName);
    if (!b.get(pl, i, pService).isNull() || name.tag != Tag::String) continue;
    std::string_view full = b.str(name.asString());
    // Only AWS service lists have a service; a customer list named "corp" does not.
    if (full.rfind("com.amazonaws.", 0) != 0) continue;
    b.set(pl, i, pService, Value::string(b.intern(shortServiceName(full))));
  }
}

// One account entity per account seen, one region entity per (account, region).
void addAccountsAndRegions(FactBaseBuilder& b) {
  const Schema& s = b.schema();
  const KindId account = kindOf(s, "account"), region = kindOf(s, "region");
  const AttrId rAccount = attrOf(s, region, "account"), rName = attrOf(s, region, "name");
  std::set<StrId> accounts;
  std::set<std::pair<int64_t, StrId>> regions;  // account (-1 = unknown), region
  for (size_t k = 0; k < s.kindCount(); ++k) {
    auto kind = static_cast<KindId>(k);
    if (kind == region) continue;
    auto acc = s.kind(kind).find("account");
    auto reg = s.kind(kind).find("region");
    if (!acc || !reg || s.attr(kind, *acc).derived() || s.attr(kind, *acc).type.base != BaseType::String) continue;
    // Optimization: neighbours mostly share a place, so only changes go to the sets.
    Value lastA, lastR;
    for (EntityIndex i = 0; i < b.count(kind); ++i) {
      Value va = b.get(kind, i, *acc), vr = b.get(kind, i, *reg);
      if (va.sameBits(lastA) && vr.sameBits(lastR)) continue;
      lastA = va;
      lastR = vr;
      if (va.tag == Tag::String) accounts.insert(va.asString());
      if (vr.tag == Tag::String)
        regions.emplace(va.tag == Tag::String ? int64_t{va.asString()} : -1, vr.asString());
    }
  }
  for (StrId a : accounts) b.upsert(account, a);
  for (auto [acc, reg] : regions) {
    std::string id = acc < 0 ? std::string(b.str(reg))
                             : std::string(b.str(static_cast<StrId>(acc))) + "/" + std::string(b.str(reg));
    EntityIndex r = b.upsert(region, id);
    if (acc >= 0) b.set(region, r, rAccount, Value::string(static_cast<StrId>(acc)));
    b.set(region, r, rName, Value::string(reg));
  }
}

// Small completions that make hand-written facts behave like loaded ones: a
// VPC's block list includes its primary block, and a workload without a name
// is called by its id.
void completeNames(FactBaseBuilder& b) {
  const Schema& s = b.schema();
  const KindId vpc = kindOf(s, "vpc");
  const AttrId cidr = attrOf(s, vpc, "cidr"), cidrs = attrOf(s, vpc, "cidrs");
  for (EntityIndex i = 0; i < b.count(vpc); ++i) {
    Value primary = b.get(vpc, i, cidr), all = b.get(vpc, i, cidrs);
    if (primary.tag == Tag::Cidr && (all.isNull() || all.listLength() == 0))
      b.set(vpc, i, cidrs, b.makeList(std::span<const Value>(&primary, 1)));
  }
  for (std::string_view kind : {"training_job", "processing_job", "model", "endpoint_config", "endpoint",
                                "notebook_instance", "domain", "transfer"}) {
    KindId k = kindOf(s, kind);
    AttrId name = attrOf(s, k, "name");
    for (EntityIndex i = 0; i < b.count(k); ++i)
      if (b.get(k, i, name).isNull()) b.set(k, i, name, b.get(k, i, 0));
  }
}

}  // namespace

void addFinishHooks(Schema& s) {
  s.addFinishHook(completeNames);
  s.addFinishHook(addImplicitNaclDenies);
  s.addFinishHook(completeServices);
  s.addFinishHook(addAccountsAndRegions);
}

}  // namespace ward::aws
