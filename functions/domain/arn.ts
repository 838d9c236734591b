/** ARN helpers. Pure string work: no AWS calls. */
interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** A stack's name from its ID (`arn:…:stack/<name>/<uuid>`). */
export const stackName = (stackId: string) => stackId.split('/')[1] ?? stackId;

export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = '', ...rest] = parts;
  return { partition, service, region, account, resource: rest.join(':') };
}

/** `arn:aws:proton:<region>:<managementAccount>:environment/<name>`: the `proton:environment` tag value. */
export function environmentArn(partition: string, region: string, managementAccountId: string, name: string): string {
  return `arn:${partition}:proton:${region}:${managementAccountId}:environment/${name}`;
}

/** Services whose ARNs name the resource without a type segment (arn:aws:sqs:…:my-queue). */
const KIND_OF_BARE_ARN: Record<string, string> = { s3: 'bucket', sqs: 'queue', sns: 'topic' };

/** Resource type as "service:kind", e.g. "s3:bucket", "cloudformation:stack", "logs:log-group". */
export function resourceTypeOf(arn: string): string {
  const parsed = parseArn(arn);
  if (!parsed) return 'unknown';
  const bareKind = KIND_OF_BARE_ARN[parsed.service];
  if (bareKind && !/[/:]/.test(parsed.resource)) return `${parsed.service}:${bareKind}`;
  // API Gateway paths start with a slash (arn:aws:apigateway:…::/restapis/id): the kind is the first segment after it.
  const kind = parsed.resource.replace(/^\//, '').split(/[/:]/)[0] ?? '';
  return `${parsed.service}:${kind}`;
}

/** The last segment of a Proton ARN: "api/service-instance/prod" → owner display name. */
export function protonResourceName(arn: string): string {
  const resource = parseArn(arn)?.resource ?? arn;
  return resource.replace(/^(environment|service|component)\//, '').replace('/service-instance/', '/');
}

/** The partition a Region belongs to, for ARNs built from parts. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
