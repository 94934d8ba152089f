# The three bench questions over an AWS CLI snapshot, in jq: run as
#   jq -n -c -f answers.jq FILE...
# and it prints {"rule": [sorted ids]} with the semantics of expected.json.

# Which permission opens SSH to the world: TCP (or all traffic) covering port
# 22, from 0.0.0.0/0 or ::/0.
def opens_ssh:
  (.IpProtocol == "tcp" or .IpProtocol == "6") as $tcp
  | ($tcp or .IpProtocol == "-1")
    and (if $tcp and has("FromPort") and .FromPort != null then .FromPort <= 22 and 22 <= .ToPort else true end)
    and (any(.IpRanges[]?; .CidrIp == "0.0.0.0/0") or any(.Ipv6Ranges[]?; .CidrIpv6 == "::/0"));

# Gather the collections the questions need from every file; EC2 files are
# objects keyed by collection, SageMaker files arrays of describe-* outputs.
reduce inputs as $d ({sg: [], rt: [], sn: [], ep: [], jobs: [], nb: []};
  if ($d | type) == "object" then
    .sg += ($d.SecurityGroups // []) | .rt += ($d.RouteTables // [])
    | .sn += ($d.Subnets // []) | .ep += ($d.VpcEndpoints // [])
  else
    .jobs += [$d[] | select(type == "object")
              | if has("TrainingJobName") then {name: .TrainingJobName, subnets: (.VpcConfig.Subnets // [])}
                elif has("ProcessingJobName") then {name: .ProcessingJobName, subnets: (.NetworkConfig.VpcConfig.Subnets // [])}
                else empty end
              | select(.subnets | length > 0)]
    | .nb += [$d[] | select(type == "object" and has("NotebookInstanceName") and .SubnetId != null) | .SubnetId]
  end)
| . as $all
# A subnet's route table: its explicit association, else its VPC's main table.
| (reduce $all.rt[] as $t ({}; reduce ($t.Associations[]? | select(.SubnetId != null) | .SubnetId) as $s (.; .[$s] = $t))) as $explicit
| (reduce $all.rt[] as $t ({}; if any($t.Associations[]?; .Main == true) then .[$t.VpcId] = $t else . end)) as $main
| (reduce $all.sn[] as $s ({}; .[$s.SubnetId] = $s.VpcId)) as $vpcOf
| def table_of($s): $explicit[$s] // (if $vpcOf[$s] then $main[$vpcOf[$s]] else null end);
  def live_routes($s): table_of($s) | select(. != null) | .Routes[]? | select(.State != "blackhole");
  def is_public($s): any(live_routes($s);
      (.DestinationCidrBlock == "0.0.0.0/0" or .DestinationIpv6CidrBlock == "::/0")
      and ((.GatewayId // "") | startswith("igw-")));
  def has_nat($s): any(live_routes($s);
      .DestinationCidrBlock == "0.0.0.0/0"
      and (((.NatGatewayId // "") | startswith("nat-")) or (.InstanceId // "") != "" or (.NetworkInterfaceId // "") != ""));
  ([$all.ep[] | select(.VpcEndpointType == "Interface" and .State == "available"
                       and (.ServiceName | endswith(".sagemaker.api"))) | {key: .VpcId, value: true}] | from_entries) as $apiVpcs
| {
    "aws.sg.no_unrestricted_ssh": [$all.sg[] | select(any(.IpPermissions[]?; opens_ssh)) | .GroupId] | unique,
    "aws.sagemaker.training_private_subnets": [$all.jobs[] | select(any(.subnets[]; is_public(.))) | .name] | unique,
    "aws.endpoints.sagemaker_api": [([$all.jobs[].subnets[]] + $all.nb) | unique | .[]
        | select($vpcOf[.] != null and (is_public(.) | not) and (has_nat(.) | not) and ($apiVpcs[$vpcOf[.]] | not))]
  }
