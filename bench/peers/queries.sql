-- The three bench questions over the tables import.sql made; each line of
-- output is "rule|id", sorted, with the semantics of expected.json.
CREATE TEMP VIEW subnet_table AS
  SELECT s.id AS subnet, s.vpc AS vpc,
         coalesce((SELECT a.rtb FROM rt_assoc a WHERE a.subnet = s.id),
                  (SELECT max(a.rtb) FROM rt_assoc a WHERE a.vpc = s.vpc AND a.main = 1)) AS rtb
  FROM subnet s;
CREATE TEMP VIEW public_subnet AS
  SELECT st.subnet FROM subnet_table st WHERE EXISTS (
    SELECT 1 FROM route r WHERE r.rtb = st.rtb AND coalesce(r.state, '') <> 'blackhole'
      AND (r.dest4 = '0.0.0.0/0' OR r.dest6 = '::/0') AND r.gw LIKE 'igw-%');
CREATE TEMP VIEW nat_subnet AS
  SELECT st.subnet FROM subnet_table st WHERE EXISTS (
    SELECT 1 FROM route r WHERE r.rtb = st.rtb AND coalesce(r.state, '') <> 'blackhole' AND r.dest4 = '0.0.0.0/0'
      AND (r.nat LIKE 'nat-%' OR coalesce(r.inst, '') <> '' OR coalesce(r.eni, '') <> ''));

SELECT DISTINCT 'aws.sg.no_unrestricted_ssh', p.gid
FROM sg_perm p JOIN sg_range r ON r.pid = p.pid
WHERE p.proto IN ('tcp', '6', '-1')
  AND (p.proto = '-1' OR p.from_port IS NULL OR (p.from_port <= 22 AND 22 <= p.to_port))
  AND r.cidr IN ('0.0.0.0/0', '::/0')
ORDER BY 2;

SELECT DISTINCT 'aws.sagemaker.training_private_subnets', j.name
FROM job_subnet j WHERE j.subnet IN (SELECT subnet FROM public_subnet)
ORDER BY 2;

SELECT DISTINCT 'aws.endpoints.sagemaker_api', u.subnet
FROM (SELECT subnet FROM job_subnet UNION SELECT subnet FROM nb_subnet) u JOIN subnet s ON s.id = u.subnet
WHERE u.subnet NOT IN (SELECT subnet FROM public_subnet)
  AND u.subnet NOT IN (SELECT subnet FROM nat_subnet)
  AND s.vpc NOT IN (SELECT vpc FROM endpoint WHERE type = 'Interface' AND state = 'available'
                                                AND service LIKE '%.sagemaker.api')
ORDER BY 2;
