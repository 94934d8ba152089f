# The generator of the hand-written Terraform plans in tests/data/terraform/ (the shape of
# `terraform show -json`): python3 studio.py; python3 modules.py. The plans are committed; rerun after an edit.
# Generates the hand-written Terraform plans used by the unit tests (the shape of `terraform show -json`).
import json, copy, sys

PROVIDER = "registry.terraform.io/hashicorp/aws"

class Plan:
    def __init__(self):
        self.resources = {}   # module address -> list
        self.changes = []
        self.config = {}      # module path -> {address: cfg}
        self.calls = {}       # module path -> {name: call}
        self.deleted = []
    def add(self, type_, name, values, unknown=None, exprs=None, action="create", index=None, module="", count=None, for_each=None):
        base = f"{type_}.{name}"
        idx = "" if index is None else (f'["{index}"]' if isinstance(index, str) else f"[{index}]")
        address = (module + "." if module else "") + base + idx
        r = {"address": address, "mode": "managed", "type": type_, "name": name}
        if index is not None: r["index"] = index
        r.update({"provider_name": PROVIDER, "schema_version": 1 if type_ in ("aws_vpc", "aws_security_group") else 0,
                  "values": values, "sensitive_values": {}})
        if action != "delete":
            self.resources.setdefault(module, []).append(r)
        ch = {"address": address}
        if module: ch["module_address"] = module
        ch.update({"mode": "managed", "type": type_, "name": name})
        if index is not None: ch["index"] = index
        before = copy.deepcopy(values) if action in ("no-op", "delete", "update") else None
        ch.update({"provider_name": PROVIDER, "change": {
            "actions": [action], "before": before, "after": None if action == "delete" else values,
            "after_unknown": {} if action == "delete" else (unknown or {}),
            "before_sensitive": False if before is None else {}, "after_sensitive": False if action == "delete" else {}}})
        self.changes.append(ch)
        mpath = ".".join(p.split("[")[0] for p in module.split(".")) if module else ""
        cfg = self.config.setdefault(mpath, {})
        if base not in cfg:
            c = {"address": base, "mode": "managed", "type": type_, "name": name, "provider_config_key": "aws",
                 "expressions": exprs or {}, "schema_version": r["schema_version"]}
            if count: c["count_expression"] = count
            if for_each: c["for_each_expression"] = for_each
            cfg[base] = c
        return address
    def call(self, parent, name, source, exprs, outputs=None):
        self.calls.setdefault(parent, {})[name] = {"source": source, "expressions": exprs, "outputs": outputs or {}}
    def module_json(self, path):
        m = {"resources": list(self.config.get(path, {}).values())}
        calls = self.calls.get(path, {})
        if calls:
            m["module_calls"] = {}
            for n, c in calls.items():
                child = (path + "." if path else "") + "module." + n
                mod = self.module_json(child)
                if c["outputs"]: mod["outputs"] = c["outputs"]
                m["module_calls"][n] = {"source": c["source"], "expressions": c["expressions"], "module": mod}
        return m
    def planned(self, addr):
        out = {"resources": self.resources.get(addr, [])} if addr == "" or self.resources.get(addr) else {}
        if addr: out = {"resources": self.resources.get(addr, []), "address": addr}
        kids = sorted(a for a in self.resources if a and a.count(".module.") == (addr.count(".module.") + 1 if addr else 0)
                      and (a.startswith(addr + ".") if addr else True))
        if kids: out["child_modules"] = [self.planned(k) for k in kids]
        return out
    def dump(self, path, variables, region_expr):
        doc = {"format_version": "1.2", "terraform_version": "1.7.5",
               "variables": {k: {"value": v} for k, v in variables.items()},
               "planned_values": {"root_module": self.planned("")},
               "resource_changes": self.changes,
               "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": PROVIDER,
                                                             "version_constraint": "~> 5.40",
                                                             "expressions": {"region": region_expr}}},
                                 "root_module": self.module_json("")},
               "timestamp": "2024-05-02T09:14:27Z", "applyable": True, "complete": True, "errored": False}
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")

def ref(*r): return {"references": list(r)}
def const(v): return {"constant_value": v}
def tags(name): return {"Name": name, "Project": "ml-platform"}
