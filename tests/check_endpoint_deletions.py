#!/usr/bin/env python3
"""Endpoint-deletion test over tests/estates/studio-vpconly (the mirror of the
CloudFormation Studio-in-VPC template, with no NAT route on the private subnet).

1. The whole estate: no aws.endpoints.* rule fires except interface_multi_az
   (the template puts every endpoint in one AZ), no aws.sagemaker.egress_path,
   and `ward why` finds every service of the domain and the job reachable.
2. For each VPC endpoint: a copy of the estate without it (and without the
   routes to it, as AWS removes them) must fire exactly the expected rules on
   top of the baseline, and `ward why` must name the missing endpoint as what
   blocks that service.
3. Private DNS off on one endpoint, and an endpoint security group that
   admits nothing: `ward why` names the endpoint / the group.

Prints one line per failure and ends with "N passed, N failed".
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARD = os.environ.get("WARD", os.path.join(ROOT, "build", "tools", "ward"))
ESTATE = os.path.join(ROOT, "tests", "estates", "studio-vpconly")
REGION_DIR = os.path.join("accounts", "123456789012", "us-east-1")
DOMAIN = "d-studiovpconly1"
JOB = "studio-train-1"

# The rules a deletion must add, by service. STS and CloudWatch monitoring
# have no rule of their own: deleting them must add nothing.
EXPECTED = {
    "s3": {"aws.endpoints.s3_gateway", "aws.sagemaker.egress_path"},
    "sagemaker.api": {"aws.endpoints.sagemaker_api", "aws.sagemaker.egress_path"},
    "sagemaker.runtime": {"aws.endpoints.sagemaker_runtime", "aws.sagemaker.egress_path"},
    "ecr.api": {"aws.endpoints.ecr", "aws.sagemaker.egress_path"},
    "ecr.dkr": {"aws.endpoints.ecr", "aws.sagemaker.egress_path"},
    "logs": {"aws.endpoints.logs", "aws.sagemaker.egress_path"},
    "sts": set(),
    "monitoring": set(),
}


def ward(*args):
    p = subprocess.run([WARD, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def findings(folder):
    code, out, err = ward("check", "--facts", folder, "--format", "json")
    if code not in (0, 1):
        raise RuntimeError(f"ward check exited {code}: {err}")
    doc = json.loads(out)
    return {(f["rule"], f["resource"]["id"]) for f in doc["findings"] if not f["exempted"]}


def why(kind, ident, folder):
    code, out, err = ward("why", kind, ident, "--facts", folder, "--format", "json")
    if code not in (0, 1):
        raise RuntimeError(f"ward why exited {code}: {err}")
    return code, json.loads(out)


def without_endpoint(vpce_id):
    tmp = tempfile.mkdtemp(prefix="ward-endpoint-")
    dst = os.path.join(tmp, "estate")
    shutil.copytree(ESTATE, dst)
    base = os.path.join(dst, REGION_DIR)
    path = os.path.join(base, "VpcEndpoints.json")
    doc = json.load(open(path))
    doc["VpcEndpoints"] = [e for e in doc["VpcEndpoints"] if e["VpcEndpointId"] != vpce_id]
    json.dump(doc, open(path, "w"), indent=2)
    # Deleting a gateway endpoint deletes its routes; deleting an interface
    # endpoint deletes its network interfaces.
    path = os.path.join(base, "RouteTables.json")
    doc = json.load(open(path))
    for rt in doc["RouteTables"]:
        rt["Routes"] = [r for r in rt["Routes"] if r.get("GatewayId") != vpce_id]
    json.dump(doc, open(path, "w"), indent=2)
    path = os.path.join(base, "NetworkInterfaces.json")
    doc = json.load(open(path))
    doc["NetworkInterfaces"] = [n for n in doc["NetworkInterfaces"] if vpce_id not in n.get("Description", "")]
    json.dump(doc, open(path, "w"), indent=2)
    return tmp, dst


def main():
    passed = failed = 0

    def result(ok, name, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}" + (f"\n  {detail}" if detail else ""))

    baseline = findings(ESTATE)
    rules = {r for r, _ in baseline}
    bad = sorted(r for r in rules if (r.startswith("aws.endpoints.") and r != "aws.endpoints.interface_multi_az")
                 or r == "aws.sagemaker.egress_path")
    result(not bad, "baseline: endpoint rules pass", f"fired: {bad}")
    for kind, ident in (("domain", DOMAIN), ("training-job", JOB)):
        code, doc = why(kind, ident, ESTATE)
        blocked = [s["service"] for s in doc["services"] if not s["reachable"]]
        result(code == 0 and not blocked, f"baseline: ward why {kind} {ident} reaches everything",
               f"exit {code}, blocked: {blocked}")

    endpoints = json.load(open(os.path.join(ESTATE, REGION_DIR, "VpcEndpoints.json")))["VpcEndpoints"]
    for ep in sorted(endpoints, key=lambda e: e["ServiceName"]):
        service = ep["ServiceName"].split(".", 3)[3]
        vpce = ep["VpcEndpointId"]
        tmp, folder = without_endpoint(vpce)
        try:
            got = {r for r, _ in findings(folder) - baseline}
            want = EXPECTED.get(service)
            result(want is not None and got == want, f"delete {service} ({vpce}): rules",
                   f"expected {sorted(want or [])}, got {sorted(got)}")
            code, doc = why("domain", DOMAIN, folder)
            svc = next((s for s in doc["services"] if s["service"] == service), None)
            if svc is None:
                result(not want, f"delete {service} ({vpce}): ward why",
                       f"the domain's diagnosis does not list {service}")
                continue
            b = svc.get("blocked_by") or {}
            named = (not svc["reachable"] and code == 1 and service in b.get("detail", "")
                     and b.get("reason") in ("NO_INTERFACE_ENDPOINT", "NO_GATEWAY_ENDPOINT"))
            result(named, f"delete {service} ({vpce}): ward why names the missing endpoint",
                   f"exit {code}, service: {json.dumps(svc)[:600]}")
        finally:
            shutil.rmtree(tmp)
    # Two breakages that keep every endpoint: private DNS off on ecr.dkr, and an
    # endpoint security group that admits nothing. `ward why` must name them.
    def mutated(file, edit):
        tmp = tempfile.mkdtemp(prefix="ward-endpoint-")
        dst = os.path.join(tmp, "estate")
        shutil.copytree(ESTATE, dst)
        path = os.path.join(dst, REGION_DIR, file)
        doc = json.load(open(path))
        edit(doc)
        json.dump(doc, open(path, "w"), indent=2)
        return tmp, dst

    def dns_off(doc):
        for e in doc["VpcEndpoints"]:
            if e["ServiceName"].endswith(".ecr.dkr"):
                e["PrivateDnsEnabled"] = False

    def closed_group(doc):
        for g in doc["SecurityGroups"]:
            if g["GroupName"] == "studio-endpoint-security-group":
                g["IpPermissions"] = []

    for label, file, edit, service, reason, needle in (
            ("private DNS off on ecr.dkr", "VpcEndpoints.json", dns_off, "ecr.dkr", "PRIVATE_DNS_DISABLED",
             "private DNS off"),
            ("endpoint security group admits nothing", "SecurityGroups.json", closed_group, "logs",
             "ENI_SG_RULES_MISMATCH", "sg-0f1a2b3c4d5e6f702")):
        tmp, folder = mutated(file, edit)
        try:
            code, doc = why("training-job", JOB, folder)
            svc = next(s for s in doc["services"] if s["service"] == service)
            b = svc.get("blocked_by") or {}
            ok = code == 1 and not svc["reachable"] and b.get("reason") == reason and needle in b.get("detail", "")
            result(ok, f"{label}: ward why names it", f"exit {code}, service: {json.dumps(svc)[:600]}")
        finally:
            shutil.rmtree(tmp)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
