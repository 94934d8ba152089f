# Builds the example estates (examples/estates/*) and the CloudFormation mirror
# (tests/estates/studio-vpconly) as AWS CLI snapshot folders.
#
# The estates are synthetic but use the exact shapes `aws ec2 describe-*` and
# `aws sagemaker describe-*` print, laid out as accounts/<id>/<region>/, so the
# loader reads them the way it reads a real snapshot. Rerun after editing:
#
#     python3 examples/estates/build_estates.py
#
# (with no argument it rewrites the folders in the repository; with a folder
# argument it writes the three examples there, for comparison).
import json, os, sys, shutil

ACCT = "123456789012"
REG = "us-east-1"

class Estate:
    def __init__(self):
        self.d = {k: [] for k in ["Vpcs","Subnets","RouteTables","InternetGateways","NatGateways","NetworkAcls",
                                  "SecurityGroups","VpcEndpoints","VpcPeeringConnections","FlowLogs","PrefixLists",
                                  "NetworkInterfaces","Reservations"]}
        self.sm = []  # (filename, obj)
    def vpc(self, vid, cidr, name, default=False):
        self.d["Vpcs"].append({"CidrBlock": cidr, "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-" + vid[4:], "CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}],
            "DhcpOptionsId": "dopt-0a1b2c3d", "InstanceTenancy": "default", "IsDefault": default, "OwnerId": ACCT, "State": "available",
            "Tags": [{"Key": "Name", "Value": name}], "VpcId": vid})
    def subnet(self, sid, vid, cidr, az, name, public_ip=False):
        self.d["Subnets"].append({"AssignIpv6AddressOnCreation": False, "AvailabilityZone": az, "AvailabilityZoneId": "use1-az" + az[-1:].replace("a","1").replace("b","2").replace("c","3"),
            "AvailableIpAddressCount": 250, "CidrBlock": cidr, "DefaultForAz": False, "Ipv6CidrBlockAssociationSet": [], "MapPublicIpOnLaunch": public_ip,
            "OwnerId": ACCT, "State": "available", "SubnetArn": f"arn:aws:ec2:{REG}:{ACCT}:subnet/{sid}", "SubnetId": sid,
            "Tags": [{"Key": "Name", "Value": name}], "VpcId": vid})
    def rtb(self, rid, vid, name, subnets=(), main=False, routes=()):
        assoc = []
        if main:
            assoc.append({"AssociationState": {"State": "associated"}, "Main": True, "RouteTableAssociationId": "rtbassoc-m" + rid[4:], "RouteTableId": rid})
        for i, s in enumerate(subnets):
            assoc.append({"AssociationState": {"State": "associated"}, "Main": False, "RouteTableAssociationId": f"rtbassoc-{i}{rid[4:]}", "RouteTableId": rid, "SubnetId": s})
        vcidr = next(v["CidrBlock"] for v in self.d["Vpcs"] if v["VpcId"] == vid)
        rs = [{"DestinationCidrBlock": vcidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}]
        for dest, target in routes:
            r = {"Origin": "CreateRoute", "State": "active"}
            if dest.startswith("pl-"): r["DestinationPrefixListId"] = dest
            else: r["DestinationCidrBlock"] = dest
            if target.startswith("nat-"): r["NatGatewayId"] = target
            elif target.startswith("pcx-"): r["VpcPeeringConnectionId"] = target
            elif target.startswith("i-"): r["InstanceId"] = target; r["InstanceOwnerId"] = ACCT
            elif target.startswith("eni-"): r["NetworkInterfaceId"] = target
            elif target == "blackhole": r["GatewayId"] = "igw-0deadbeef0000000"; r["State"] = "blackhole"
            else: r["GatewayId"] = target
            rs.append(r)
        self.d["RouteTables"].append({"Associations": assoc, "OwnerId": ACCT, "PropagatingVgws": [], "RouteTableId": rid, "Routes": rs,
            "Tags": [{"Key": "Name", "Value": name}], "VpcId": vid})
    def igw(self, gid, vid):
        self.d["InternetGateways"].append({"Attachments": [{"State": "available", "VpcId": vid}], "InternetGatewayId": gid, "OwnerId": ACCT, "Tags": []})
    def nat(self, nid, vid, sid, ip, pub, eni):
        self.d["NatGateways"].append({"CreateTime": "2026-01-10T10:00:00+00:00", "ConnectivityType": "public",
            "NatGatewayAddresses": [{"AllocationId": "eipalloc-0" + nid[4:], "NetworkInterfaceId": eni, "PrivateIp": ip, "PublicIp": pub}],
            "NatGatewayId": nid, "State": "available", "SubnetId": sid, "VpcId": vid, "Tags": []})
        self.eni(eni, vid, sid, ip, [], "nat_gateway", desc="Interface for NAT Gateway " + nid, requester=True, public=pub)
    def eni(self, eid, vid, sid, ip, groups, itype="interface", desc="", requester=False, public=None, instance=None):
        subnet = next(s for s in self.d["Subnets"] if s["SubnetId"] == sid)
        e = {"AvailabilityZone": subnet["AvailabilityZone"], "Description": desc, "Groups": [{"GroupId": g, "GroupName": g} for g in groups],
             "InterfaceType": itype, "Ipv6Addresses": [], "MacAddress": "0a:00:00:00:00:01", "NetworkInterfaceId": eid, "OwnerId": ACCT,
             "PrivateIpAddress": ip, "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}], "RequesterManaged": requester,
             "SourceDestCheck": itype != "nat_gateway", "Status": "in-use", "SubnetId": sid, "TagSet": [], "VpcId": vid}
        if public:
            e["Association"] = {"IpOwnerId": "amazon", "PublicIp": public}
            e["PrivateIpAddresses"][0]["Association"] = {"IpOwnerId": "amazon", "PublicIp": public}
        if instance:
            e["Attachment"] = {"AttachmentId": "eni-attach-" + eid[4:], "DeviceIndex": 0, "InstanceId": instance, "InstanceOwnerId": ACCT, "Status": "attached"}
        self.d["NetworkInterfaces"].append(e)
    def endpoint(self, eid, vid, svc, etype, subnets=(), groups=(), rtbs=(), dns=True, enis=()):
        self.d["VpcEndpoints"].append({"CreationTimestamp": "2026-01-10T10:00:00+00:00", "DnsEntries": [], "Groups": [{"GroupId": g, "GroupName": g} for g in groups],
            "NetworkInterfaceIds": list(enis), "OwnerId": ACCT, "PolicyDocument": "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "PrivateDnsEnabled": dns if etype == "Interface" else False, "RequesterManaged": False, "RouteTableIds": list(rtbs), "ServiceName": f"com.amazonaws.{REG}.{svc}",
            "State": "available", "SubnetIds": list(subnets), "Tags": [], "VpcEndpointId": eid, "VpcEndpointType": etype, "VpcId": vid})
    def sg(self, gid, vid, name, desc, ingress=(), egress=(("-1", None, None, "0.0.0.0/0"),)):
        def perms(rules):
            out = []
            for proto, lo, hi, src in rules:
                p = {"IpProtocol": proto, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
                if lo is not None: p["FromPort"] = lo; p["ToPort"] = hi
                if src.startswith("sg-"): p["UserIdGroupPairs"].append({"GroupId": src, "UserId": ACCT})
                elif src.startswith("pl-"): p["PrefixListIds"].append({"PrefixListId": src})
                elif ":" in src: p["Ipv6Ranges"].append({"CidrIpv6": src})
                else: p["IpRanges"].append({"CidrIp": src})
                out.append(p)
            return out
        self.d["SecurityGroups"].append({"Description": desc, "GroupId": gid, "GroupName": name, "IpPermissions": perms(ingress),
            "IpPermissionsEgress": perms(egress), "OwnerId": ACCT, "VpcId": vid, "Tags": []})
    def nacl(self, aid, vid, default, subnets, entries):
        ents = []
        for num, egress, proto, action, cidr, ports in entries:
            e = {"CidrBlock": cidr, "Egress": egress, "Protocol": proto, "RuleAction": action, "RuleNumber": num}
            if ports: e["PortRange"] = {"From": ports[0], "To": ports[1]}
            ents.append(e)
        for eg in (True, False):
            ents.append({"CidrBlock": "0.0.0.0/0", "Egress": eg, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767})
        self.d["NetworkAcls"].append({"Associations": [{"NetworkAclAssociationId": f"aclassoc-{i}{aid[4:]}", "NetworkAclId": aid, "SubnetId": s} for i, s in enumerate(subnets)],
            "Entries": ents, "IsDefault": default, "NetworkAclId": aid, "OwnerId": ACCT, "Tags": [], "VpcId": vid})
    def flowlog(self, fid, vid, traffic="ALL"):
        self.d["FlowLogs"].append({"CreationTime": "2026-01-10T10:00:00+00:00", "DeliverLogsStatus": "SUCCESS", "FlowLogId": fid, "FlowLogStatus": "ACTIVE",
            "LogDestinationType": "cloud-watch-logs", "LogGroupName": "/vpc/flow-logs", "ResourceId": vid, "TrafficType": traffic,
            "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}",
            "MaxAggregationInterval": 600, "Tags": []})
    def s3_prefix_list(self):
        self.d["PrefixLists"].append({"Cidrs": ["54.231.0.0/17", "52.216.0.0/15", "3.5.16.0/21", "3.5.0.0/20"], "PrefixListId": "pl-63a5400a", "PrefixListName": f"com.amazonaws.{REG}.s3"})
    def training_job(self, name, subnets, groups, **kw):
        job = {"TrainingJobName": name, "TrainingJobArn": f"arn:aws:sagemaker:{REG}:{ACCT}:training-job/{name}", "TrainingJobStatus": kw.get("status", "InProgress"),
               "AlgorithmSpecification": {"TrainingImage": f"{ACCT}.dkr.ecr.{REG}.amazonaws.com/resnet:latest", "TrainingInputMode": "File"},
               "RoleArn": f"arn:aws:iam::{ACCT}:role/SageMakerExecution",
               "OutputDataConfig": {"S3OutputPath": "s3://ml-artifacts/output"},
               "ResourceConfig": {"InstanceType": "ml.p3.2xlarge", "InstanceCount": kw.get("count", 1), "VolumeSizeInGB": 100},
               "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
               "EnableNetworkIsolation": kw.get("isolation", False), "EnableInterContainerTrafficEncryption": kw.get("ice", False),
               "CreationTime": "2026-11-20T08:00:00+00:00"}
        if subnets: job["VpcConfig"] = {"SecurityGroupIds": list(groups), "Subnets": list(subnets)}
        if kw.get("kms"): job["OutputDataConfig"]["KmsKeyId"] = kw["kms"]; job["ResourceConfig"]["VolumeKmsKeyId"] = kw["kms"]
        if kw.get("tags"): job["Tags"] = [{"Key": k, "Value": v} for k, v in kw["tags"].items()]
        self.sm.append((f"sagemaker/describe-training-job-{name}.json", job))
    def domain(self, did, name, vpc, subnets, groups, access="VpcOnly"):
        dom = {"DomainArn": f"arn:aws:sagemaker:{REG}:{ACCT}:domain/{did}", "DomainId": did, "DomainName": name,
               "Status": "InService", "AuthMode": "IAM", "AppNetworkAccessType": access, "VpcId": vpc,
               "SubnetIds": list(subnets), "Url": f"https://{did}.studio.{REG}.sagemaker.aws",
               "DefaultUserSettings": {"ExecutionRole": f"arn:aws:iam::{ACCT}:role/SageMakerAdminExecutionRole",
                                       "SecurityGroups": list(groups)},
               "CreationTime": "2026-11-20T08:00:00+00:00"}
        self.sm.append((f"sagemaker/describe-domain-{did}.json", dom))
    def write(self, out):
        # Only the snapshot is rewritten: a README beside it stays.
        if os.path.exists(os.path.join(out, "accounts")): shutil.rmtree(os.path.join(out, "accounts"))
        base = os.path.join(out, "accounts", ACCT, REG)
        os.makedirs(base)
        for k, v in self.d.items():
            with open(os.path.join(base, k + ".json"), "w") as f:
                json.dump({k: v}, f, indent=2); f.write("\n")
        for name, obj in self.sm:
            p = os.path.join(base, name); os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f: json.dump(obj, f, indent=2); f.write("\n")

def ml_vpc(e, with_endpoints, with_nat=False, svcs=("sagemaker.api","sagemaker.runtime","ecr.api","ecr.dkr","logs")):
    V = "vpc-0a11c0ffee0000001"
    e.vpc(V, "10.20.0.0/16", "ml-vpc")
    e.subnet("subnet-0a1b2c3d4e5f60001", V, "10.20.1.0/24", "us-east-1a", "ml-private-a")
    e.subnet("subnet-0a1b2c3d4e5f60002", V, "10.20.2.0/24", "us-east-1b", "ml-private-b")
    e.subnet("subnet-0a1b2c3d4e5f60010", V, "10.20.10.0/24", "us-east-1a", "public-a", public_ip=True)
    e.igw("igw-0a1b2c3d4e5f60001", V)
    e.rtb("rtb-0a1b2c3d4e5f60010", V, "public", subnets=["subnet-0a1b2c3d4e5f60010"], routes=[("0.0.0.0/0", "igw-0a1b2c3d4e5f60001")])
    priv_routes = []
    if with_nat:
        e.nat("nat-0a1b2c3d4e5f60001", V, "subnet-0a1b2c3d4e5f60010", "10.20.10.100", "3.210.10.20", "eni-0a1b2c3d4e5f60100")
        priv_routes.append(("0.0.0.0/0", "nat-0a1b2c3d4e5f60001"))
    if with_endpoints and "s3" in with_endpoints:
        priv_routes.append(("pl-63a5400a", "vpce-0a1b2c3d4e5f60053"))
    e.rtb("rtb-0a1b2c3d4e5f60001", V, "ml-private", subnets=["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], main=True, routes=priv_routes)
    e.s3_prefix_list()
    e.sg("sg-0a1b2c3d4e5f60001", V, "ml-training", "SageMaker training jobs",
         ingress=[("-1", None, None, "sg-0a1b2c3d4e5f60001")],
         egress=[("tcp", 443, 443, "10.20.0.0/16"), ("tcp", 443, 443, "pl-63a5400a"), ("-1", None, None, "sg-0a1b2c3d4e5f60001")])
    e.sg("sg-0a1b2c3d4e5f60002", V, "vpc-endpoints", "Interface endpoints", ingress=[("tcp", 443, 443, "sg-0a1b2c3d4e5f60001")], egress=[])
    e.sg("sg-0a1b2c3d4e5f60000", V, "default", "default VPC security group", ingress=[], egress=[])
    e.nacl("acl-0a1b2c3d4e5f60000", V, True, ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60010"],
           [(100, True, "-1", "allow", "0.0.0.0/0", None), (100, False, "-1", "allow", "0.0.0.0/0", None)])
    e.flowlog("fl-0a1b2c3d4e5f60001", V, "ALL")
    n = 0
    for s in with_endpoints or ():
        if s == "s3":
            e.endpoint("vpce-0a1b2c3d4e5f60053", V, "s3", "Gateway", rtbs=["rtb-0a1b2c3d4e5f60001"])
            continue
        n += 1
        enis = []
        for k, sub in enumerate(["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]):
            eid = f"eni-0a1b2c3d4e5f6{n:02d}{k}0"
            e.eni(eid, V, sub, f"10.20.{k+1}.{10+n}", ["sg-0a1b2c3d4e5f60002"], desc=f"VPC Endpoint Interface vpce-0a1b2c3d4e5f600{n:02d}", requester=True)
            enis.append(eid)
        e.endpoint(f"vpce-0a1b2c3d4e5f600{n:02d}", V, s, "Interface", subnets=["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
                   groups=["sg-0a1b2c3d4e5f60002"], enis=enis)
    return V

def examples(root):
    full = ("s3", "sagemaker.api", "sagemaker.runtime", "ecr.api", "ecr.dkr", "logs")
    # 1. well configured
    e = Estate(); ml_vpc(e, full)
    e.training_job("train-resnet-2026-11", ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], ["sg-0a1b2c3d4e5f60001"], ice=True, status="InProgress")
    e.write(os.path.join(root, "sagemaker-private-good"))
    # 2. no egress: private subnets with neither NAT nor the ECR/S3/logs endpoints
    e = Estate(); ml_vpc(e, ("sagemaker.api", "sagemaker.runtime"))
    e.training_job("train-bert-finetune", ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], ["sg-0a1b2c3d4e5f60001"], ice=True)
    e.write(os.path.join(root, "sagemaker-no-egress"))
    # 3. network mistakes: NACL without return traffic, open SSH, a transitive peering route
    e = Estate(); V = ml_vpc(e, ("s3",), with_nat=True)
    e.d["NetworkAcls"] = []
    e.nacl("acl-0a1b2c3d4e5f60000", V, True, ["subnet-0a1b2c3d4e5f60010"],
           [(100, True, "-1", "allow", "0.0.0.0/0", None), (100, False, "-1", "allow", "0.0.0.0/0", None)])
    e.nacl("acl-0a1b2c3d4e5f60001", V, False, ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
           [(100, True, "6", "allow", "0.0.0.0/0", (443, 443)),
            (110, True, "-1", "allow", "10.20.0.0/16", None),
            (100, False, "6", "allow", "10.0.0.0/8", (22, 22)),
            (110, False, "-1", "allow", "10.20.0.0/16", None),
            (120, False, "6", "allow", "10.20.0.0/24", (22, 22))])
    e.sg("sg-0a1b2c3d4e5f60009", V, "bastion", "SSH from anywhere", ingress=[("tcp", 22, 22, "0.0.0.0/0")])
    B, C = "vpc-0b22c0ffee0000002", "vpc-0c33c0ffee0000003"
    e.vpc(B, "10.40.0.0/16", "shared-services"); e.vpc(C, "10.50.0.0/16", "data-lake")
    e.subnet("subnet-0b2b2c3d4e5f60001", B, "10.40.1.0/24", "us-east-1a", "shared-a")
    e.subnet("subnet-0c3b2c3d4e5f60001", C, "10.50.1.0/24", "us-east-1a", "lake-a")
    for pid, a, b, ca, cb in [("pcx-0ab1c2d3e4f500001", V, B, "10.20.0.0/16", "10.40.0.0/16"), ("pcx-0bc1c2d3e4f500002", B, C, "10.40.0.0/16", "10.50.0.0/16")]:
        e.d["VpcPeeringConnections"].append({"AccepterVpcInfo": {"CidrBlock": cb, "CidrBlockSet": [{"CidrBlock": cb}], "OwnerId": ACCT, "Region": REG, "VpcId": b},
            "RequesterVpcInfo": {"CidrBlock": ca, "CidrBlockSet": [{"CidrBlock": ca}], "OwnerId": ACCT, "Region": REG, "VpcId": a},
            "Status": {"Code": "active", "Message": "Active"}, "Tags": [], "VpcPeeringConnectionId": pid})
    for rt in e.d["RouteTables"]:
        if rt["RouteTableId"] == "rtb-0a1b2c3d4e5f60001":
            rt["Routes"] += [{"DestinationCidrBlock": "10.40.0.0/16", "VpcPeeringConnectionId": "pcx-0ab1c2d3e4f500001", "Origin": "CreateRoute", "State": "active"},
                             {"DestinationCidrBlock": "10.50.0.0/16", "VpcPeeringConnectionId": "pcx-0ab1c2d3e4f500001", "Origin": "CreateRoute", "State": "active"}]
    e.rtb("rtb-0b2b2c3d4e5f60001", B, "shared-main", main=True, routes=[("10.20.0.0/16", "pcx-0ab1c2d3e4f500001"), ("10.50.0.0/16", "pcx-0bc1c2d3e4f500002")])
    e.rtb("rtb-0c3b2c3d4e5f60001", C, "lake-main", main=True, routes=[])
    e.nacl("acl-0b2b2c3d4e5f60000", B, True, ["subnet-0b2b2c3d4e5f60001"], [(100, True, "-1", "allow", "0.0.0.0/0", None), (100, False, "-1", "allow", "0.0.0.0/0", None)])
    e.nacl("acl-0c3b2c3d4e5f60000", C, True, ["subnet-0c3b2c3d4e5f60001"], [(100, True, "-1", "allow", "0.0.0.0/0", None), (100, False, "-1", "allow", "0.0.0.0/0", None)])
    e.training_job("train-xgb-churn", ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], ["sg-0a1b2c3d4e5f60001"])
    e.write(os.path.join(root, "network-mistakes"))


def studio_vpconly(out):
    """Mirrors fixtures/cloudformation/sagemaker-studio-domain-in-vpc.yaml: a VPC
    with one public and one private subnet, an internet gateway, a NAT gateway
    in the public subnet, the S3 gateway endpoint on the private route table,
    interface endpoints (sagemaker.api, sagemaker.runtime, sts, monitoring, logs,
    ecr.dkr, ecr.api) in the private subnet, and a VpcOnly Studio domain there.
    One deliberate difference: the template also routes the private subnet's
    0.0.0.0/0 to the NAT gateway; the mirror does not, so the private subnet
    depends on its endpoints alone (with a NAT path the endpoint rules are
    scoped out and deleting an endpoint would change nothing)."""
    e = Estate()
    V = "vpc-0f1a2b3c4d5e6f701"
    e.vpc(V, "10.0.0.0/16", "studio-VPC")
    e.d["Vpcs"][-1]["Tags"].append({"Key": "for-use-with-amazon-sagemaker", "Value": "true"})
    PUB, PRIV = "subnet-0f1a2b3c4d5e6f710", "subnet-0f1a2b3c4d5e6f720"
    e.subnet(PUB, V, "10.0.10.0/24", "us-east-1a", "studio Public Subnet (AZ1)", public_ip=True)
    e.subnet(PRIV, V, "10.0.20.0/24", "us-east-1a", "studio Private Subnet (AZ1)")
    IGW, NAT = "igw-0f1a2b3c4d5e6f701", "nat-0f1a2b3c4d5e6f701"
    e.igw(IGW, V)
    e.nat(NAT, V, PUB, "10.0.10.50", "3.220.1.10", "eni-0f1a2b3c4d5e6f7a0")
    # The main route table only has the local route; the template's two tables are explicit.
    e.rtb("rtb-0f1a2b3c4d5e6f700", V, "studio main", main=True)
    e.rtb("rtb-0f1a2b3c4d5e6f710", V, "studio Public Routes", subnets=[PUB], routes=[("0.0.0.0/0", IGW)])
    e.rtb("rtb-0f1a2b3c4d5e6f720", V, "studio Private Routes (AZ1)", subnets=[PRIV],
          routes=[("pl-63a5400a", "vpce-0f1a2b3c4d5e6f753")])
    e.s3_prefix_list()
    SMSG, EPSG = "sg-0f1a2b3c4d5e6f701", "sg-0f1a2b3c4d5e6f702"
    e.sg(SMSG, V, "SMSG", "Security group with no ingress rule", ingress=[("-1", None, None, SMSG)])
    e.sg(EPSG, V, "studio-endpoint-security-group", "Allow TLS for VPC Endpoint", ingress=[("-1", None, None, SMSG)])
    e.sg("sg-0f1a2b3c4d5e6f700", V, "default", "default VPC security group", ingress=[], egress=[])
    e.nacl("acl-0f1a2b3c4d5e6f700", V, True, [PUB, PRIV],
           [(100, True, "-1", "allow", "0.0.0.0/0", None), (100, False, "-1", "allow", "0.0.0.0/0", None)])
    e.flowlog("fl-0f1a2b3c4d5e6f701", V, "ALL")
    e.endpoint("vpce-0f1a2b3c4d5e6f753", V, "s3", "Gateway", rtbs=["rtb-0f1a2b3c4d5e6f720"])
    for n, svc in enumerate(["sagemaker.api", "sagemaker.runtime", "sts", "monitoring", "logs", "ecr.dkr", "ecr.api"], 1):
        eni = f"eni-0f1a2b3c4d5e6f7{n:02d}"
        vid = f"vpce-0f1a2b3c4d5e6f7{n:02d}"
        e.eni(eni, V, PRIV, f"10.0.20.{10 + n}", [EPSG], desc=f"VPC Endpoint Interface {vid}", requester=True)
        e.endpoint(vid, V, svc, "Interface", subnets=[PRIV], groups=[EPSG], enis=[eni])
    e.domain("d-studiovpconly1", "SagemakerTestDomain", V, [PRIV], [SMSG])
    e.training_job("studio-train-1", [PRIV], [SMSG])
    e.write(out)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        examples(sys.argv[1])
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        examples(here)
        studio_vpconly(os.path.join(here, "..", "..", "tests", "estates", "studio-vpconly"))
