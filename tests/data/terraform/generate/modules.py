import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import *

p = Plan()
M = "module.net"
# A network module: a new VPC, two counted private subnets, a route table per subnet (same index), an ACL.
p.add("aws_vpc", "this", {"cidr_block": "10.40.0.0/16", "enable_dns_support": True, "tags": {"Name": "core"}},
      {"arn": True, "default_network_acl_id": True, "default_route_table_id": True, "default_security_group_id": True,
       "id": True, "main_route_table_id": True, "owner_id": True}, {"cidr_block": ref("var.cidr")}, module=M)
for i, az in enumerate(["eu-west-1a", "eu-west-1b"]):
    p.add("aws_subnet", "private", {"availability_zone": az, "cidr_block": f"10.40.{i + 1}.0/24", "map_public_ip_on_launch": False,
          "tags": {"Name": f"core-private-{i}"}}, {"arn": True, "availability_zone_id": True, "id": True, "vpc_id": True},
          {"availability_zone": ref("var.azs", "count.index"), "cidr_block": ref("var.cidr", "count.index"),
           "vpc_id": ref("aws_vpc.this.id", "aws_vpc.this")}, module=M, index=i, count=ref("var.azs"))
    p.add("aws_route_table", "private", {"route": [], "tags": {"Name": f"core-private-{i}"}}, {"arn": True, "id": True, "vpc_id": True},
          {"vpc_id": ref("aws_vpc.this.id", "aws_vpc.this")}, module=M, index=i, count=ref("var.azs"))
    p.add("aws_route_table_association", "private", {"gateway_id": None}, {"id": True, "route_table_id": True, "subnet_id": True},
          {"route_table_id": ref("aws_route_table.private", "count.index"), "subnet_id": ref("aws_subnet.private", "count.index")},
          module=M, index=i, count=ref("var.azs"))
p.add("aws_network_acl", "private", {"egress": [
        {"action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "icmp_code": None, "icmp_type": None, "ipv6_cidr_block": "",
         "protocol": "-1", "rule_no": 100, "to_port": 0}],
      "ingress": [
        {"action": "allow", "cidr_block": "10.40.0.0/16", "from_port": 0, "icmp_code": None, "icmp_type": None, "ipv6_cidr_block": "",
         "protocol": "-1", "rule_no": 100, "to_port": 0},
        {"action": "deny", "cidr_block": "0.0.0.0/0", "from_port": 22, "icmp_code": None, "icmp_type": None, "ipv6_cidr_block": "",
         "protocol": "tcp", "rule_no": 90, "to_port": 22}], "tags": {"Name": "core-private"}},
      {"arn": True, "id": True, "owner_id": True, "subnet_ids": True, "vpc_id": True},
      {"vpc_id": ref("aws_vpc.this.id", "aws_vpc.this"), "subnet_ids": ref("aws_subnet.private"),
       "ingress": [{"action": const("deny"), "cidr_block": const("0.0.0.0/0"), "from_port": const(22), "protocol": const("tcp"),
                    "rule_no": const(90), "to_port": const(22)},
                   {"action": const("allow"), "cidr_block": ref("var.cidr"), "from_port": const(0), "protocol": const("-1"),
                    "rule_no": const(100), "to_port": const(0)}],
       "egress": [{"action": const("allow"), "cidr_block": const("0.0.0.0/0"), "from_port": const(0), "protocol": const("-1"),
                   "rule_no": const(100), "to_port": const(0)}]}, module=M)
# The VPC's default security group, managed: no rules at all.
p.add("aws_default_security_group", "this", {"egress": [], "ingress": [], "revoke_rules_on_delete": False, "tags": {"Name": "core-default"}},
      {"arn": True, "id": True, "name": True, "vpc_id": True}, {"vpc_id": ref("aws_vpc.this.id", "aws_vpc.this")}, module=M)
# The root module: a security group in the module's VPC (through its output) and a peering to an existing VPC.
p.add("aws_security_group", "app", {"description": "app", "egress": [
        {"cidr_blocks": ["0.0.0.0/0"], "description": "", "from_port": 443, "ipv6_cidr_blocks": [], "prefix_list_ids": [],
         "protocol": "tcp", "security_groups": [], "self": False, "to_port": 443}],
      "ingress": [], "name": "app", "tags": None, "vpc_id": None},
      {"arn": True, "egress": [{"cidr_blocks": [False], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []}],
       "id": True, "ingress": [], "owner_id": True, "vpc_id": True},
      {"name": const("app"), "description": const("app"), "vpc_id": ref("module.net.vpc_id", "module.net"),
       "egress": [{"cidr_blocks": const(["0.0.0.0/0"]), "from_port": const(443), "protocol": const("tcp"), "to_port": const(443)}]})
p.add("aws_vpc_peering_connection", "shared", {"auto_accept": True, "peer_vpc_id": "vpc-0123456789abcdef0", "tags": None},
      {"accept_status": True, "id": True, "vpc_id": True},
      {"auto_accept": const(True), "peer_vpc_id": const("vpc-0123456789abcdef0"), "vpc_id": ref("module.net.vpc_id", "module.net")})
p.add("aws_ec2_transit_gateway", "hub", {"description": "hub"}, {"arn": True, "id": True}, {"description": const("hub")})
p.call("", "net", "./modules/net", {"cidr": ref("var.vpc_cidr"), "azs": const(["eu-west-1a", "eu-west-1b"])},
       {"vpc_id": {"expression": ref("aws_vpc.this.id", "aws_vpc.this")}})
p.dump(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "module-plan.json"), {"vpc_cidr": "10.40.0.0/16"}, const("eu-west-1"))
