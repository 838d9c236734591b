/** ARNs the sandbox gives to CloudFormation resource types, so tagged resources look as in AWS. */
interface Place {
  region: string;
  accountId: string;
}

const ARN_BY_TYPE: Record<string, (name: string, p: Place) => string> = {
  'AWS::S3::Bucket': (n) => `arn:aws:s3:::${n}`,
  'AWS::SQS::Queue': (n, p) => `arn:aws:sqs:${p.region}:${p.accountId}:${n}`,
  'AWS::SNS::Topic': (n, p) => `arn:aws:sns:${p.region}:${p.accountId}:${n}`,
  'AWS::Lambda::Function': (n, p) => `arn:aws:lambda:${p.region}:${p.accountId}:function:${n}`,
  'AWS::Logs::LogGroup': (n, p) => `arn:aws:logs:${p.region}:${p.accountId}:log-group:${n}`,
  'AWS::IAM::Role': (n, p) => `arn:aws:iam::${p.accountId}:role/${n}`,
  'AWS::CloudWatch::Alarm': (n, p) => `arn:aws:cloudwatch:${p.region}:${p.accountId}:alarm:${n}`,
  'AWS::SSM::Parameter': (n, p) => `arn:aws:ssm:${p.region}:${p.accountId}:parameter/${n.replace(/^\//, '')}`,
};

const SERVICE_BY_NAMESPACE: Record<string, string> = { ElasticLoadBalancingV2: 'elasticloadbalancing', CloudWatch: 'cloudwatch' };

/** Generic rule for other types: AWS::ECS::Cluster → arn:aws:ecs:<region>:<account>:cluster/<name>. */
function genericArn(type: string, name: string, p: Place): string {
  const [, namespace = '', kind = ''] = type.split('::');
  const service = SERVICE_BY_NAMESPACE[namespace] ?? namespace.toLowerCase();
  const resource = kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  return `arn:aws:${service}:${p.region}:${p.accountId}:${resource}/${name}`;
}

export function arnFor(type: string, name: string, place: Place): string {
  return (ARN_BY_TYPE[type] ?? ((n, p) => genericArn(type, n, p)))(name, place);
}
