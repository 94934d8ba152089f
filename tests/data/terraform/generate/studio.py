import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import *

VPC = "vpc-0a1b2c3d4e5f60718"
PUB = "subnet-0f1e2d3c4b5a69788"
IGW = "igw-04a5b6c7d8e9f0a1b"
RTB_PUB = "rtb-0c1d2e3f4a5b6c7d8"

def build(twin):
    p = Plan()
    # Existing network, unchanged by the plan: its ids are known.
    p.add("aws_vpc", "main", {"arn": f"arn:aws:ec2:us-east-1:111122223333:vpc/{VPC}", "assign_generated_ipv6_cidr_block": False,
          "cidr_block": "10.20.0.0/16", "default_network_acl_id": "acl-0aa11bb22cc33dd44", "default_route_table_id": "rtb-0ee55ff66aa77bb88",
          "default_security_group_id": "sg-0cc99dd00ee11ff22", "enable_dns_hostnames": True, "enable_dns_support": True,
          "id": VPC, "instance_tenancy": "default", "main_route_table_id": "rtb-0ee55ff66aa77bb88", "owner_id": "111122223333",
          "tags": tags("ml-vpc"), "tags_all": tags("ml-vpc")},
          exprs={"cidr_block": ref("var.vpc_cidr"), "enable_dns_hostnames": const(True), "tags": const(tags("ml-vpc"))}, action="no-op")
    p.add("aws_subnet", "public", {"availability_zone": "us-east-1a", "availability_zone_id": "use1-az2", "cidr_block": "10.20.0.0/24",
          "id": PUB, "map_public_ip_on_launch": True, "tags": tags("ml-public-a"), "vpc_id": VPC},
          exprs={"availability_zone": const("us-east-1a"), "cidr_block": const("10.20.0.0/24"), "map_public_ip_on_launch": const(True),
                 "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")}, action="no-op")
    p.add("aws_internet_gateway", "main", {"arn": "arn:aws:ec2:us-east-1:111122223333:internet-gateway/" + IGW, "id": IGW,
          "owner_id": "111122223333", "tags": tags("ml-igw"), "vpc_id": VPC},
          exprs={"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")}, action="no-op")
    p.add("aws_route_table", "public", {"id": RTB_PUB, "propagating_vgws": [], "route": [
            {"carrier_gateway_id": "", "cidr_block": "0.0.0.0/0", "core_network_arn": "", "destination_prefix_list_id": "",
             "egress_only_gateway_id": "", "gateway_id": IGW, "ipv6_cidr_block": "", "local_gateway_id": "", "nat_gateway_id": "",
             "network_interface_id": "", "transit_gateway_id": "", "vpc_endpoint_id": "", "vpc_peering_connection_id": ""}],
          "tags": tags("ml-public"), "vpc_id": VPC},
          exprs={"route": [{"cidr_block": const("0.0.0.0/0"), "gateway_id": ref("aws_internet_gateway.main.id", "aws_internet_gateway.main")}],
                 "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")}, action="no-op")
    p.add("aws_route_table_association", "public", {"gateway_id": "", "id": "rtbassoc-0123456789abcdef0", "route_table_id": RTB_PUB,
          "subnet_id": PUB}, exprs={"route_table_id": ref("aws_route_table.public.id", "aws_route_table.public"),
                                    "subnet_id": ref("aws_subnet.public.id", "aws_subnet.public")}, action="no-op")
    # New: the private subnet, the NAT gateway and its route, the endpoints and the domain.
    p.add("aws_subnet", "private", {"assign_ipv6_address_on_creation": False, "availability_zone": "us-east-1b", "cidr_block": "10.20.10.0/24",
          "customer_owned_ipv4_pool": None, "enable_dns64": False, "ipv6_cidr_block": None, "map_public_ip_on_launch": False,
          "outpost_arn": None, "tags": tags("ml-private-b"), "tags_all": tags("ml-private-b"), "timeouts": None, "vpc_id": VPC},
          {"arn": True, "availability_zone_id": True, "id": True, "owner_id": True, "tags": {}, "tags_all": {}},
          {"availability_zone": const("us-east-1b"), "cidr_block": const("10.20.10.0/24"), "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"),
           "tags": const(tags("ml-private-b"))})
    p.add("aws_eip", "nat", {"domain": "vpc", "tags": tags("ml-nat"), "timeouts": None},
          {"allocation_id": True, "id": True, "public_ip": True, "public_dns": True, "private_ip": True}, {"domain": const("vpc")})
    p.add("aws_nat_gateway", "main", {"connectivity_type": "public", "subnet_id": PUB, "tags": tags("ml-nat"), "tags_all": tags("ml-nat")},
          {"allocation_id": True, "association_id": True, "id": True, "network_interface_id": True, "private_ip": True, "public_ip": True,
           "secondary_private_ip_addresses": True},
          {"allocation_id": ref("aws_eip.nat.id", "aws_eip.nat"), "subnet_id": ref("aws_subnet.public.id", "aws_subnet.public")})
    p.add("aws_route_table", "private", {"propagating_vgws": [], "route": [], "tags": tags("ml-private"), "timeouts": None, "vpc_id": VPC},
          {"arn": True, "id": True, "owner_id": True, "route": [], "tags": {}}, {"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")})
    if not twin:
        p.add("aws_route", "private_nat", {"destination_cidr_block": "0.0.0.0/0", "timeouts": None},
              {"id": True, "instance_id": True, "instance_owner_id": True, "nat_gateway_id": True, "network_interface_id": True,
               "origin": True, "route_table_id": True, "state": True},
              {"destination_cidr_block": const("0.0.0.0/0"), "nat_gateway_id": ref("aws_nat_gateway.main.id", "aws_nat_gateway.main"),
               "route_table_id": ref("aws_route_table.private.id", "aws_route_table.private")})
    else:
        p.add("aws_route", "private_nat", {"destination_cidr_block": "0.0.0.0/0", "id": "r-rtb-0dd11ee22ff33aa441080289494",
              "nat_gateway_id": "nat-0ab12cd34ef56ab78", "route_table_id": "rtb-0dd11ee22ff33aa44"}, action="delete")
    p.add("aws_route_table_association", "private", {"gateway_id": None, "timeouts": None}, {"id": True, "route_table_id": True, "subnet_id": True},
          {"route_table_id": ref("aws_route_table.private.id", "aws_route_table.private"),
           "subnet_id": ref("aws_subnet.private.id", "aws_subnet.private")})
    # Security groups: Studio's (inline self ingress, no egress blocks, a
    # standalone egress rule), the endpoints' (inline 443 from Studio's group).
    p.add("aws_security_group", "studio", {"description": "SageMaker Studio apps", "egress": [], "ingress": [
            {"cidr_blocks": [], "description": "between apps", "from_port": 0, "ipv6_cidr_blocks": [], "prefix_list_ids": [],
             "protocol": "-1", "security_groups": [], "self": True, "to_port": 0}],
          "name": "ml-studio", "revoke_rules_on_delete": False, "tags": tags("ml-studio"), "timeouts": None, "vpc_id": VPC},
          {"arn": True, "egress": [], "id": True, "ingress": [{"cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": []}],
           "name_prefix": True, "owner_id": True, "tags": {}},
          {"description": const("SageMaker Studio apps"), "name": const("ml-studio"), "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"),
           "ingress": [{"description": const("between apps"), "from_port": const(0), "protocol": const("-1"), "self": const(True), "to_port": const(0)}]})
    p.add("aws_vpc_security_group_egress_rule", "studio_all", {"cidr_ipv4": "0.0.0.0/0", "cidr_ipv6": None, "description": "all out",
          "from_port": None, "ip_protocol": "-1", "prefix_list_id": None, "referenced_security_group_id": None, "tags": None, "to_port": None},
          {"arn": True, "id": True, "security_group_id": True, "security_group_rule_id": True, "tags_all": True},
          {"cidr_ipv4": const("0.0.0.0/0"), "description": const("all out"), "ip_protocol": const("-1"),
           "security_group_id": ref("aws_security_group.studio.id", "aws_security_group.studio")})
    p.add("aws_security_group", "endpoints", {"description": "Interface endpoints", "egress": [], "ingress": [
            {"cidr_blocks": [], "description": "HTTPS from Studio", "from_port": 443, "ipv6_cidr_blocks": [], "prefix_list_ids": [],
             "protocol": "tcp", "self": False, "to_port": 443}],
          "name": "ml-endpoints", "revoke_rules_on_delete": False, "tags": tags("ml-endpoints"), "timeouts": None, "vpc_id": VPC},
          {"arn": True, "egress": [], "id": True, "ingress": [{"cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": True}],
           "name_prefix": True, "owner_id": True, "tags": {}},
          {"description": const("Interface endpoints"), "name": const("ml-endpoints"), "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"),
           "ingress": [{"description": const("HTTPS from Studio"), "from_port": const(443), "protocol": const("tcp"), "to_port": const(443),
                        "security_groups": ref("aws_security_group.studio.id", "aws_security_group.studio")}]})
    p.add("aws_security_group_rule", "endpoints_from_vpc", {"cidr_blocks": ["10.20.0.0/16"], "description": "HTTPS from the VPC",
          "from_port": 443, "ipv6_cidr_blocks": None, "prefix_list_ids": None, "protocol": "tcp", "self": False, "timeouts": None,
          "to_port": 443, "type": "ingress"},
          {"id": True, "security_group_id": True, "security_group_rule_id": True, "source_security_group_id": True},
          {"cidr_blocks": ref("aws_vpc.main.cidr_block", "aws_vpc.main"), "from_port": const(443), "protocol": const("tcp"),
           "security_group_id": ref("aws_security_group.endpoints.id", "aws_security_group.endpoints"), "to_port": const(443),
           "type": const("ingress")})
    # Unknown until apply, and not an id: the rule's CIDR block stays unknown.
    p.add("aws_vpc_security_group_ingress_rule", "from_nat", {"cidr_ipv6": None, "description": "HTTPS from the NAT gateway",
          "from_port": 443, "ip_protocol": "tcp", "prefix_list_id": None, "referenced_security_group_id": None, "tags": None, "to_port": 443},
          {"arn": True, "cidr_ipv4": True, "id": True, "security_group_id": True, "security_group_rule_id": True, "tags_all": True},
          {"cidr_ipv4": ref("aws_nat_gateway.main.private_ip", "aws_nat_gateway.main"), "from_port": const(443), "ip_protocol": const("tcp"),
           "security_group_id": ref("aws_security_group.endpoints.id", "aws_security_group.endpoints"), "to_port": const(443)})
    # Endpoints: S3 (gateway), SageMaker API and ECR (interface).
    p.add("aws_vpc_endpoint", "s3", {"auto_accept": None, "policy": None, "service_name": "com.amazonaws.us-east-1.s3",
          "tags": tags("ml-s3"), "timeouts": None, "vpc_endpoint_type": "Gateway", "vpc_id": VPC},
          {"arn": True, "cidr_blocks": True, "dns_entry": True, "id": True, "network_interface_ids": True, "owner_id": True,
           "prefix_list_id": True, "private_dns_enabled": True, "route_table_ids": True, "security_group_ids": True, "state": True,
           "subnet_ids": True},
          {"service_name": ref("var.region"), "vpc_endpoint_type": const("Gateway"), "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"),
           "route_table_ids": ref("aws_route_table.private.id", "aws_route_table.private")})
    services = [("sagemaker_api", "sagemaker.api"), ("ecr_api", "ecr.api"), ("ecr_dkr", "ecr.dkr")]
    for name, svc in services:
        if twin and name == "ecr_api":
            p.add("aws_vpc_endpoint", name, {"id": "vpce-0123abcd4567ef890", "service_name": f"com.amazonaws.us-east-1.{svc}",
                  "vpc_endpoint_type": "Interface", "vpc_id": VPC, "private_dns_enabled": True}, action="delete")
            continue
        p.add("aws_vpc_endpoint", name, {"auto_accept": None, "policy": None, "private_dns_enabled": True,
              "service_name": f"com.amazonaws.us-east-1.{svc}", "tags": tags("ml-" + svc), "timeouts": None,
              "vpc_endpoint_type": "Interface", "vpc_id": VPC},
              {"arn": True, "cidr_blocks": True, "dns_entry": True, "dns_options": True, "id": True, "ip_address_type": True,
               "network_interface_ids": True, "owner_id": True, "prefix_list_id": True, "route_table_ids": True, "security_group_ids": True,
               "state": True, "subnet_configuration": True, "subnet_ids": True},
              {"private_dns_enabled": const(True), "service_name": ref("var.region"), "vpc_endpoint_type": const("Interface"),
               "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"),
               "subnet_ids": ref("aws_subnet.private.id", "aws_subnet.private"),
               "security_group_ids": ref("aws_security_group.endpoints.id", "aws_security_group.endpoints")})
    p.add("aws_sagemaker_domain", "studio", {"app_network_access_type": "VpcOnly", "app_security_group_management": None,
          "auth_mode": "IAM", "default_space_settings": [], "default_user_settings": [
              {"canvas_app_settings": [], "jupyter_server_app_settings": [], "kernel_gateway_app_settings": [],
               "sharing_settings": [], "tensor_board_app_settings": []}],
          "domain_name": "ml-studio", "domain_settings": [], "kms_key_id": None, "retention_policy": [], "tags": tags("ml-studio"),
          "vpc_id": VPC},
          {"arn": True, "default_user_settings": [{"execution_role": True, "security_groups": True}], "home_efs_file_system_id": True,
           "id": True, "security_group_id_for_domain_boundary": True, "single_sign_on_managed_application_instance_id": True,
           "subnet_ids": True, "url": True},
          {"app_network_access_type": const("VpcOnly"), "auth_mode": const("IAM"), "domain_name": const("ml-studio"),
           "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"), "subnet_ids": ref("aws_subnet.private.id", "aws_subnet.private"),
           "default_user_settings": [{"execution_role": ref("aws_iam_role.studio.arn", "aws_iam_role.studio"),
                                      "security_groups": ref("aws_security_group.studio.id", "aws_security_group.studio")}]})
    p.add("aws_sagemaker_user_profile", "analyst", {"domain_id": None, "user_profile_name": "analyst"},
          {"arn": True, "domain_id": True, "id": True}, {"domain_id": ref("aws_sagemaker_domain.studio.id", "aws_sagemaker_domain.studio"),
                                                         "user_profile_name": const("analyst")})
    p.add("aws_iam_role", "studio", {"name": "ml-studio-execution", "assume_role_policy": "{}"}, {"arn": True, "id": True},
          {"name": const("ml-studio-execution")})
    p.add("aws_flow_log", "vpc", {"log_destination_type": "s3", "traffic_type": "ALL", "vpc_id": VPC, "max_aggregation_interval": 600},
          {"arn": True, "id": True, "log_destination": True, "log_format": True},
          {"log_destination": ref("aws_s3_bucket.flow_logs.arn", "aws_s3_bucket.flow_logs"), "log_destination_type": const("s3"),
           "traffic_type": const("ALL"), "vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")})
    p.add("aws_s3_bucket", "flow_logs", {"bucket": "ml-flow-logs-111122223333", "force_destroy": False}, {"arn": True, "id": True},
          {"bucket": const("ml-flow-logs-111122223333")})
    return p

for twin, name in ((False, "studio-plan.json"), (True, "studio-plan-twin.json")):
    build(twin).dump(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "") + name, {"region": "us-east-1", "vpc_cidr": "10.20.0.0/16"}, ref("var.region"))
