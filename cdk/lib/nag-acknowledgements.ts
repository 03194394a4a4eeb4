import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

export interface AppStackNagTargets {
  readonly instanceRole: iam.Role;
  readonly albSecurityGroup: ec2.SecurityGroup;
  readonly accessLogs: s3.Bucket;
  readonly database: rds.DatabaseInstance;
  readonly cache: elasticache.CfnReplicationGroup;
  readonly taskDefinitions: ecs.TaskDefinition[];
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Every cdk-nag (AwsSolutions) finding of the application stack that we accept, on the
 * narrowest construct and finding id possible, each with its reason. Anything not listed
 * here fails `cdk synth` and the tests.
 */
export function acknowledgeAppStackFindings(t: AppStackNagTargets): void {
  acknowledge(t.albSecurityGroup, 'AwsSolutions-EC23',
    'The internet-facing ALB is the public entry point: 443 (TLS) and 80 (redirect to 443 only) must be open to everyone.');

  acknowledge(t.accessLogs, 'AwsSolutions-S1',
    'This bucket is itself the access-log destination of the ALB; logging it into another bucket would recurse without adding audit value.');

  acknowledge(t.database, 'AwsSolutions-RDS11',
    'The standard MySQL port is kept for client compatibility; the instance sits in isolated subnets and its security group only admits the application tasks.');
  acknowledge(t.database.node.findChild('MonitoringRole'), 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    'AWS-maintained policy that RDS Enhanced Monitoring requires; it only grants writing the RDSOSMetrics log group.');
  acknowledge(t.database.node.findChild('Secret'), 'AwsSolutions-SMG4',
    'Tasks receive the database password at start-up, so an unattended rotation would break live connections; it is rotated by the documented runbook (rotate, then force a new deployment): docs/operations.md#secrets-rotation.');

  acknowledge(t.cache, 'AwsSolutions-AEC5',
    'Standard Redis port kept for client compatibility; the cache is in isolated subnets and only the support tasks security group may connect.');
  acknowledge(t.cache, 'AwsSolutions-AEC6',
    'Used only for pub/sub fan-out of support events (nothing stored). Access is limited by network (isolated subnets, security group from the support tasks only) and TLS is required in transit; an AUTH token would have to be shipped inside REDIS_URL.');

  acknowledge(t.instanceRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
    'AWS-maintained policy for SSM Session Manager: the instances have no SSH and no open port, this is the audited way in.');
  const instancePolicy = t.instanceRole.node.findChild('DefaultPolicy');
  acknowledge(instancePolicy, 'AwsSolutions-IAM5[Resource::*]',
    'Statements added by the ECS capacity provider for the ECS agent (ecs:DiscoverPollEndpoint, ecr:GetAuthorizationToken, logs) which IAM does not scope to a resource.');
  acknowledge(instancePolicy, 'AwsSolutions-IAM5[Action::ecs:Submit*]',
    'ECS agent state reporting (SubmitContainerStateChange, SubmitTaskStateChange, SubmitAttachmentStateChanges), scoped to this cluster by the capacity provider.');

  for (const taskDefinition of t.taskDefinitions) {
    acknowledge(taskDefinition, 'AwsSolutions-ECS2',
      'Only non-secret configuration is passed as environment variables (DESIGN §3); secrets come from Secrets Manager (APP_SECRETS_ID, and the database password through ECS secrets).');
    const executionPolicy = taskDefinition.obtainExecutionRole().node.findChild('DefaultPolicy');
    acknowledge(executionPolicy, 'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken cannot be scoped to a resource; image pulls themselves are limited to this service repository.');
  }
}
