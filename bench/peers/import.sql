-- Imports an AWS CLI snapshot into tables for the three bench questions. The
-- caller first fills raw(file, doc) with one row per JSON file (readfile);
-- this script flattens the documents with json_each into typed tables.
CREATE TABLE sg_perm(pid INTEGER PRIMARY KEY, gid TEXT, proto TEXT, from_port INTEGER, to_port INTEGER, perm TEXT);
INSERT INTO sg_perm(gid, proto, from_port, to_port, perm)
  SELECT json_extract(g.value, '$.GroupId'), json_extract(p.value, '$.IpProtocol'),
         json_extract(p.value, '$.FromPort'), json_extract(p.value, '$.ToPort'), p.value
  FROM raw, json_each(raw.doc, '$.SecurityGroups') g, json_each(g.value, '$.IpPermissions') p;
CREATE TABLE sg_range(pid INTEGER, cidr TEXT);
INSERT INTO sg_range
  SELECT pid, json_extract(r.value, '$.CidrIp') FROM sg_perm, json_each(sg_perm.perm, '$.IpRanges') r
  UNION ALL
  SELECT pid, json_extract(r.value, '$.CidrIpv6') FROM sg_perm, json_each(sg_perm.perm, '$.Ipv6Ranges') r;
ALTER TABLE sg_perm DROP COLUMN perm;

CREATE TABLE subnet(id TEXT PRIMARY KEY, vpc TEXT);
INSERT OR REPLACE INTO subnet
  SELECT json_extract(s.value, '$.SubnetId'), json_extract(s.value, '$.VpcId') FROM raw, json_each(raw.doc, '$.Subnets') s;

CREATE TABLE rt_assoc(rtb TEXT, vpc TEXT, subnet TEXT, main INTEGER);
INSERT INTO rt_assoc
  SELECT json_extract(t.value, '$.RouteTableId'), json_extract(t.value, '$.VpcId'),
         json_extract(a.value, '$.SubnetId'), coalesce(json_extract(a.value, '$.Main'), 0)
  FROM raw, json_each(raw.doc, '$.RouteTables') t, json_each(t.value, '$.Associations') a;

CREATE TABLE route(rtb TEXT, dest4 TEXT, dest6 TEXT, gw TEXT, nat TEXT, inst TEXT, eni TEXT, state TEXT);
INSERT INTO route
  SELECT json_extract(t.value, '$.RouteTableId'), json_extract(r.value, '$.DestinationCidrBlock'),
         json_extract(r.value, '$.DestinationIpv6CidrBlock'), json_extract(r.value, '$.GatewayId'),
         json_extract(r.value, '$.NatGatewayId'), json_extract(r.value, '$.InstanceId'),
         json_extract(r.value, '$.NetworkInterfaceId'), json_extract(r.value, '$.State')
  FROM raw, json_each(raw.doc, '$.RouteTables') t, json_each(t.value, '$.Routes') r;

CREATE TABLE endpoint(vpc TEXT, type TEXT, state TEXT, service TEXT);
INSERT INTO endpoint
  SELECT json_extract(e.value, '$.VpcId'), json_extract(e.value, '$.VpcEndpointType'),
         json_extract(e.value, '$.State'), json_extract(e.value, '$.ServiceName')
  FROM raw, json_each(raw.doc, '$.VpcEndpoints') e;

-- SageMaker files are arrays of describe-* outputs; only VPC-mode jobs have subnets.
CREATE TABLE job_subnet(name TEXT, subnet TEXT);
INSERT INTO job_subnet
  SELECT coalesce(json_extract(j.value, '$.TrainingJobName'), json_extract(j.value, '$.ProcessingJobName')), s.value
  FROM raw, json_each(raw.doc) j,
       json_each(j.value, CASE WHEN json_extract(j.value, '$.TrainingJobName') IS NOT NULL THEN '$.VpcConfig.Subnets'
                               ELSE '$.NetworkConfig.VpcConfig.Subnets' END) s
  WHERE json_type(raw.doc) = 'array' AND json_type(j.value) = 'object'
    AND (json_extract(j.value, '$.TrainingJobName') IS NOT NULL OR json_extract(j.value, '$.ProcessingJobName') IS NOT NULL);
CREATE TABLE nb_subnet(subnet TEXT);
INSERT INTO nb_subnet
  SELECT json_extract(j.value, '$.SubnetId') FROM raw, json_each(raw.doc) j
  WHERE json_type(raw.doc) = 'array' AND json_type(j.value) = 'object'
    AND json_extract(j.value, '$.NotebookInstanceName') IS NOT NULL AND json_extract(j.value, '$.SubnetId') IS NOT NULL;

CREATE INDEX rt_assoc_subnet ON rt_assoc(subnet);
CREATE INDEX rt_assoc_vpc ON rt_assoc(vpc, main);
CREATE INDEX route_rtb ON route(rtb);
CREATE INDEX sg_range_pid ON sg_range(pid);
DROP TABLE raw;
