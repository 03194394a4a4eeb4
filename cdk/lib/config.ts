import { Node } from 'constructs';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c key=value`).
 *
 * Nothing here is looked up in an AWS account: the stacks are environment-agnostic
 * and synthesize offline. See cdk/README.md for the meaning of each key.
 */
export interface YcywConfig {
  /** Public host name of the application, e.g. `app.yourcaryourway.com`. */
  readonly domainName: string;
  /** ARN of an existing ACM certificate for `domainName`; when absent one is created (DNS validation). */
  readonly certificateArn?: string;
  /** Route 53 hosted zone of `domainName` (id + name); when given, validation records and an alias are created. */
  readonly hostedZone?: { readonly id: string; readonly name: string };
  /** Tag of the images to run (CI passes the git commit SHA). */
  readonly imageTag: string;
  /** ECR repositories are `<repositoryPrefix>/<image>`. */
  readonly repositoryPrefix: string;
  /** Name of the application secret (JSON) in Secrets Manager. */
  readonly appSecretName: string;
  /** Address subscribed to the alarm topic (optional). */
  readonly alarmEmail?: string;
  /** NAT gateways for the private subnets (2 = one per AZ, highly available). */
  readonly natGateways: number;
  /** EC2 instance type of the ECS container instances. */
  readonly instanceType: string;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** RDS instance class, without the `db.` prefix. */
  readonly dbInstanceType: string;
  /** ElastiCache node type used by the support module's fan-out. */
  readonly cacheNodeType: string;
  /** Days CloudWatch keeps the application logs. */
  readonly logRetentionDays: number;
  /** lettre SMTP URL without password, e.g. `smtps://AKIA…@email-smtp.eu-west-3.amazonaws.com:465`. */
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  /** Comma-separated STUN / TURN URLs for video calls. */
  readonly stunUrls?: string;
  readonly turnUrls?: string;
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function integer(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`context ${key}=${raw}: expected an integer between ${min} and ${max}`);
  }
  return n;
}

/** Values CloudWatch Logs accepts as a retention period. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function retentionDays(node: Node): number {
  const days = integer(node, 'logRetentionDays', 90, 1, 3653);
  if (!RETENTION_DAYS.includes(days)) {
    throw new Error(`context logRetentionDays=${days}: CloudWatch accepts one of ${RETENTION_DAYS.join(', ')}`);
  }
  return days;
}

/** Reads and validates the deployment settings; throws with the offending key on bad input. */
export function configFromContext(node: Node): YcywConfig {
  const domainName = text(node, 'domainName')?.toLowerCase();
  if (!domainName || !HOST_NAME.test(domainName)) {
    throw new Error(`context domainName must be a DNS host name (got ${JSON.stringify(domainName)}); pass -c domainName=app.example.com`);
  }
  const certificateArn = text(node, 'certificateArn');
  if (certificateArn && !ACM_ARN.test(certificateArn)) {
    throw new Error(`context certificateArn is not an ACM certificate ARN: ${certificateArn}`);
  }
  const zoneId = text(node, 'hostedZoneId');
  const zoneName = text(node, 'hostedZoneName');
  if ((zoneId === undefined) !== (zoneName === undefined)) {
    throw new Error('context hostedZoneId and hostedZoneName go together: give both or neither');
  }
  if (zoneName && !(domainName === zoneName || domainName.endsWith(`.${zoneName}`))) {
    throw new Error(`domainName ${domainName} is not inside hostedZoneName ${zoneName}`);
  }
  const imageTag = text(node, 'imageTag') ?? 'latest';
  if (!IMAGE_TAG.test(imageTag)) {
    throw new Error(`context imageTag is not a valid image tag: ${imageTag}`);
  }
  const minInstances = integer(node, 'minInstances', 2, 1, 50);
  const maxInstances = integer(node, 'maxInstances', 8, 1, 100);
  if (maxInstances < minInstances) {
    throw new Error(`context maxInstances (${maxInstances}) is below minInstances (${minInstances})`);
  }
  return {
    domainName,
    certificateArn,
    hostedZone: zoneId && zoneName ? { id: zoneId, name: zoneName } : undefined,
    imageTag,
    repositoryPrefix: text(node, 'repositoryPrefix') ?? 'ycyw',
    appSecretName: text(node, 'appSecretName') ?? 'ycyw/app',
    alarmEmail: text(node, 'alarmEmail'),
    natGateways: integer(node, 'natGateways', 2, 1, 2),
    instanceType: text(node, 'instanceType') ?? 'm6i.large',
    minInstances,
    maxInstances,
    dbInstanceType: text(node, 'dbInstanceType') ?? 'm7g.large',
    cacheNodeType: text(node, 'cacheNodeType') ?? 'cache.t4g.small',
    logRetentionDays: retentionDays(node),
    smtpUrl: text(node, 'smtpUrl'),
    mailFrom: text(node, 'mailFrom') ?? `Your Car Your Way <no-reply@${domainName}>`,
    stunUrls: text(node, 'stunUrls'),
    turnUrls: text(node, 'turnUrls'),
  };
}
