import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, ROUTES } from '../lib/services';
import { albPathMatches, asArray, DOMAIN, logicalIdOf, refId, Resources, statementsOfRole, synth } from './helpers';

const SERVICES = [...FUNCTIONS.map((f) => f.binary), 'ycyw-frontend', 'ycyw-worker'];

let template: Template;
let resources: Resources;

before(() => {
  template = synth().appTemplate;
  resources = template.toJSON().Resources;
});

/** Logical ids of the task definition, its roles and its ECS service (if any) for a family. */
function taskOf(family: string) {
  const taskDefinitionId = logicalIdOf(template, 'AWS::ECS::TaskDefinition', (p) => p.Family === family);
  const props = resources[taskDefinitionId].Properties;
  const serviceIds = Object.entries(template.findResources('AWS::ECS::Service') as Resources)
    .filter(([, s]) => refId(s.Properties.TaskDefinition) === taskDefinitionId)
    .map(([id]) => id);
  return {
    taskDefinitionId,
    props,
    container: props.ContainerDefinitions[0],
    taskRoleId: refId(props.TaskRoleArn)!,
    executionRoleId: refId(props.ExecutionRoleArn)!,
    serviceId: serviceIds[0] as string | undefined,
  };
}

function scalingPoliciesOf(serviceId: string) {
  const targets = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget') as Resources)
    .filter(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(`"${serviceId}"`));
  assert.equal(targets.length, 1, `one scalable target for ${serviceId}`);
  const [targetId, target] = targets[0];
  const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy') as Resources)
    .filter((p) => refId(p.Properties.ScalingTargetId) === targetId)
    .map((p) => p.Properties);
  return { target: target.Properties, policies };
}

function securityGroupOfService(serviceId: string): string {
  const groups = resources[serviceId].Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups;
  assert.equal(groups.length, 1);
  return refId(groups[0])!;
}

function subnetIdsOfType(type: 'Public' | 'Private' | 'Isolated'): string[] {
  return Object.entries(template.findResources('AWS::EC2::Subnet') as Resources)
    .filter(([, s]) => s.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === type))
    .map(([id]) => id);
}

describe('network', () => {
  it('has public, private (with egress) and isolated subnets in two AZs', () => {
    for (const type of ['Public', 'Private', 'Isolated'] as const) {
      const ids = subnetIdsOfType(type);
      assert.equal(ids.length, 2, `${type} subnets`);
      const azs = ids.map((id) => JSON.stringify(resources[id].Properties.AvailabilityZone));
      assert.equal(new Set(azs).size, 2, `${type} subnets in distinct AZs`);
    }
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });
});

describe('ECS cluster on EC2', () => {
  it('gets its capacity from an Auto Scaling group capacity provider with managed scaling', () => {
    template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: {
        ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
        ManagedTerminationProtection: 'ENABLED',
      },
    });
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('runs instances with IMDSv2 only and encrypted EBS, in private subnets', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
        Monitoring: { Enabled: true },
      }),
    });
    const asg = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup') as Resources)[0];
    const privateSubnets = subnetIdsOfType('Private');
    assert.deepEqual(asg.Properties.VPCZoneIdentifier.map(refId).sort(), privateSubnets.sort());
  });
});

describe('services', () => {
  for (const family of SERVICES) {
    it(`${family} is an ECS service with limits, health check, circuit breaker, logs and CPU autoscaling`, () => {
      const task = taskOf(family);
      assert.ok(task.serviceId, `service of ${family}`);
      const service = resources[task.serviceId].Properties;
      assert.deepEqual(service.DeploymentConfiguration.DeploymentCircuitBreaker, { Enable: true, Rollback: true });
      assert.equal(service.DeploymentConfiguration.MinimumHealthyPercent, 100);
      assert.equal(service.CapacityProviderStrategy.length, 1);
      assert.equal(service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp, 'DISABLED');
      assert.deepEqual(
        service.NetworkConfiguration.AwsvpcConfiguration.Subnets.map(refId).sort(),
        subnetIdsOfType('Private').sort(),
      );
      assert.equal(task.props.NetworkMode, 'awsvpc');
      assert.deepEqual(task.props.RequiresCompatibilities, ['EC2']);

      const c = task.container;
      assert.ok(c.Cpu > 0, 'CPU limit');
      assert.ok(c.Memory > 0, 'hard memory limit');
      assert.equal(c.ReadonlyRootFilesystem, true);
      assert.equal(c.Privileged, false);
      assert.match(c.HealthCheck.Command.join(' '), /http:\/\/127\.0\.0\.1:\d+\/health\/live/);
      assert.equal(c.LogConfiguration.LogDriver, 'awslogs');
      const logGroupId = refId(c.LogConfiguration.Options['awslogs-group'])!;
      assert.ok(resources[logGroupId].Properties.RetentionInDays > 0, 'log retention');

      const { target, policies } = scalingPoliciesOf(task.serviceId);
      assert.ok(target.MinCapacity >= 1 && target.MaxCapacity > target.MinCapacity, 'scaling range');
      assert.ok(
        policies.some((p) => p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType === 'ECSServiceAverageCPUUtilization'),
        'CPU target tracking',
      );
    });
  }

  it('runs at least two tasks of every HTTP service (one per AZ)', () => {
    for (const family of SERVICES.filter((f) => f !== 'ycyw-worker')) {
      assert.ok(scalingPoliciesOf(taskOf(family).serviceId!).target.MinCapacity >= 2, family);
    }
  });

  it('scales the worker on the jobs queue depth as well', () => {
    const { policies } = scalingPoliciesOf(taskOf('ycyw-worker').serviceId!);
    const step = policies.find((p) => p.PolicyType === 'StepScaling');
    assert.ok(step, 'step scaling policy');
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources).find((a) =>
      a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible'
      && refId(a.Properties.AlarmActions?.[0]) !== undefined
      && JSON.stringify(a.Properties.Dimensions).includes('JobsQueue')
      && !JSON.stringify(a.Properties.Dimensions).includes('DeadLetter'));
    assert.ok(alarm, 'queue depth alarm drives the step scaling');
  });

  it('health-checks the worker on HEALTH_PORT and runs `ycyw-worker run`', () => {
    const c = taskOf('ycyw-worker').container;
    const env = Object.fromEntries(c.Environment.map((e: any) => [e.Name, e.Value]));
    assert.equal(env.HEALTH_PORT, '8081');
    assert.ok(c.HealthCheck.Command.includes('http://127.0.0.1:8081/health/live'));
    assert.deepEqual(c.Command, ['run']);
    assert.equal(env.QUEUE, 'sqs', 'the worker relays the outbox to SQS and consumes SQS');
    assert.ok(env.SQS_QUEUE_URL && env.SQS_DLQ_URL, 'the queue and its DLQ');
    assert.equal(env.RUN_MIGRATIONS, '1', 'a new environment converges: the worker migrates at start');
  });

  it('configures the functions for production behind the ALB', () => {
    for (const f of FUNCTIONS) {
      const env = Object.fromEntries(taskOf(f.binary).container.Environment.map((e: any) => [e.Name, e.Value]));
      assert.equal(env.APP_ENV, 'prod', f.name);
      assert.equal(env.PORT, '8080', f.name);
      assert.equal(env.RUN_MIGRATIONS, '0', `${f.name}: migrations are the migration task's job`);
      assert.equal(env.PUBLIC_URL, `https://${DOMAIN}`, f.name);
      assert.equal(env.LOG_FORMAT, 'json', f.name);
      assert.match(JSON.stringify(env.DATABASE_URL), /ssl-mode=required/, f.name);
      assert.equal(env.SQS_QUEUE_URL, undefined, `${f.name}: jobs go to the outbox, not to SQS`);
      assert.equal(env.QUEUE, undefined, `${f.name} QUEUE`);
    }
    const support = Object.fromEntries(taskOf('ycyw-support').container.Environment.map((e: any) => [e.Name, e.Value]));
    assert.match(JSON.stringify(support.REDIS_URL), /rediss:\/\//);
  });

  it('puts every function and the SPA behind a target group checking /health/ready', () => {
    for (const family of SERVICES.filter((f) => f !== 'ycyw-worker')) {
      const service = resources[taskOf(family).serviceId!].Properties;
      assert.equal(service.LoadBalancers.length, 1, family);
      const tg = resources[refId(service.LoadBalancers[0].TargetGroupArn)!].Properties;
      assert.equal(tg.HealthCheckPath, '/health/ready', family);
      assert.equal(tg.TargetType, 'ip');
    }
  });

  it('defines the one-off migration task running `ycyw-worker migrate` on the worker image', () => {
    const migrate = taskOf('ycyw-migrate');
    assert.equal(migrate.serviceId, undefined, 'not a service');
    assert.deepEqual(migrate.container.Command, ['migrate']);
    const env = Object.fromEntries(migrate.container.Environment.map((e: any) => [e.Name, e.Value]));
    assert.equal(env.RUN_MIGRATIONS, '1');
    assert.equal(
      JSON.stringify(migrate.container.Image),
      JSON.stringify(taskOf('ycyw-worker').container.Image),
      'same image as the worker',
    );
  });
});

describe('database', () => {
  it('is MySQL 8.0 Multi-AZ, encrypted, private, backed up and protected from deletion', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EngineVersion: '8.0.43',
      MultiAZ: true,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DeletionProtection: true,
      BackupRetentionPeriod: Match.anyValue(),
    });
    const db = Object.values(template.findResources('AWS::RDS::DBInstance') as Resources)[0];
    assert.ok(db.Properties.BackupRetentionPeriod >= 7, 'backups kept at least 7 days');
    assert.equal((db as any).DeletionPolicy, 'Snapshot');
  });

  it('lets the migrations create their triggers, over TLS only, in UTC', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: Match.objectLike({ log_bin_trust_function_creators: '1', require_secure_transport: '1', time_zone: 'UTC' }),
    });
  });

  it('lives in the isolated subnets', () => {
    const group = Object.values(template.findResources('AWS::RDS::DBSubnetGroup') as Resources)[0];
    assert.deepEqual(group.Properties.SubnetIds.map(refId).sort(), subnetIdsOfType('Isolated').sort());
  });

  it('takes its credentials from a generated Secrets Manager secret', () => {
    const db = Object.values(template.findResources('AWS::RDS::DBInstance') as Resources)[0];
    assert.match(JSON.stringify(db.Properties.MasterUserPassword), /resolve:secretsmanager:/);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }),
    });
  });

  it('is reachable only from the services security groups, on 3306', () => {
    const db = Object.values(template.findResources('AWS::RDS::DBInstance') as Resources)[0];
    const dbGroups = db.Properties.VPCSecurityGroups.map(refId);
    assert.equal(dbGroups.length, 1);
    const dbGroupId = dbGroups[0];
    assert.equal(resources[dbGroupId].Properties.SecurityGroupIngress, undefined, 'no inline (CIDR) ingress');

    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress') as Resources)
      .map((r) => r.Properties)
      .filter((p) => refId(p.GroupId) === dbGroupId);
    const opsGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', (p) => p.GroupDescription === 'One-off migration and ops CLI tasks');
    const allowed = new Set([
      ...FUNCTIONS.map((f) => securityGroupOfService(taskOf(f.binary).serviceId!)),
      securityGroupOfService(taskOf('ycyw-worker').serviceId!),
      opsGroup,
    ]);
    assert.ok(ingress.length > 0);
    for (const rule of ingress) {
      assert.equal(rule.IpProtocol, 'tcp');
      assert.equal(rule.FromPort, 3306);
      assert.equal(rule.ToPort, 3306);
      assert.equal(rule.CidrIp, undefined);
      const source = refId(rule.SourceSecurityGroupId)!;
      assert.ok(allowed.has(source), `unexpected source ${source}`);
    }
    const frontendGroup = securityGroupOfService(taskOf('ycyw-frontend').serviceId!);
    assert.ok(!ingress.some((r) => refId(r.SourceSecurityGroupId) === frontendGroup), 'the SPA has no database access');
    const sources = new Set(ingress.map((r) => refId(r.SourceSecurityGroupId)));
    for (const f of FUNCTIONS) {
      assert.ok(sources.has(securityGroupOfService(taskOf(f.binary).serviceId!)), `${f.name} can reach the database`);
    }
  });
});

describe('load balancer', () => {
  function listener(port: number) {
    const id = logicalIdOf(template, 'AWS::ElasticLoadBalancingV2::Listener', (p) => p.Port === port);
    return { id, props: resources[id].Properties };
  }

  it('only redirects HTTP (80) to HTTPS (443)', () => {
    const http = listener(80);
    assert.equal(http.props.Protocol, 'HTTP');
    assert.deepEqual(http.props.DefaultActions, [
      { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
    ]);
    const rulesOn80 = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Resources)
      .filter((r) => refId(r.Properties.ListenerArn) === http.id);
    assert.equal(rulesOn80.length, 0, 'no rule forwards plain HTTP');
  });

  it('terminates TLS on 443 with the ACM certificate of the domain and forwards / to the SPA', () => {
    const https = listener(443);
    assert.equal(https.props.Protocol, 'HTTPS');
    assert.match(https.props.SslPolicy, /^ELBSecurityPolicy-TLS13-/);
    const certificateId = refId(https.props.Certificates[0].CertificateArn)!;
    const certificate = resources[certificateId];
    assert.equal(certificate.Type, 'AWS::CertificateManager::Certificate');
    assert.equal(certificate.Properties.DomainName, DOMAIN);
    assert.equal(certificate.Properties.ValidationMethod, 'DNS');
    const frontendService = resources[taskOf('ycyw-frontend').serviceId!].Properties;
    assert.equal(refId(https.props.DefaultActions[0].TargetGroupArn), refId(frontendService.LoadBalancers[0].TargetGroupArn));
  });

  it('keeps WebSockets open: 300 s idle timeout, invalid headers dropped', () => {
    const alb = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer') as Resources)[0];
    const attributes = Object.fromEntries(alb.Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));
    assert.equal(attributes['idle_timeout.timeout_seconds'], '300');
    assert.equal(attributes['routing.http.drop_invalid_header_fields.enabled'], 'true');
    assert.equal(attributes['access_logs.s3.enabled'], 'true');
    assert.equal(alb.Properties.Scheme, 'internet-facing');
  });

  /** Which service answers a request path, evaluating the listener rules like the ALB does. */
  function routeOf(requestPath: string): string {
    const https = listener(443);
    const targetGroupToFamily = new Map<string, string>();
    for (const family of SERVICES.filter((f) => f !== 'ycyw-worker')) {
      const service = resources[taskOf(family).serviceId!].Properties;
      targetGroupToFamily.set(refId(service.LoadBalancers[0].TargetGroupArn)!, family);
    }
    const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Resources)
      .map((r) => r.Properties)
      .filter((r) => refId(r.ListenerArn) === https.id)
      .sort((a, b) => a.Priority - b.Priority);
    for (const rule of rules) {
      const patterns: string[] = rule.Conditions.flatMap((c: any) => c.PathPatternConfig?.Values ?? c.Values ?? []);
      if (patterns.some((p) => albPathMatches(p, requestPath))) {
        return targetGroupToFamily.get(refId(rule.Actions[0].TargetGroupArn)!)!;
      }
    }
    return targetGroupToFamily.get(refId(https.props.DefaultActions[0].TargetGroupArn)!)!;
  }

  const expectations: Array<[string, string]> = [
    ['/api/v1/auth/registrations', 'ycyw-auth'],
    ['/api/v1/auth/sessions/refresh', 'ycyw-auth'],
    ['/api/v1/users/me', 'ycyw-auth'],
    ['/api/v1/users/me/export', 'ycyw-auth'],
    ['/api/v1/openapi.json', 'ycyw-auth'],
    ['/api/v1/agencies', 'ycyw-catalog'],
    ['/api/v1/agencies/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'ycyw-catalog'],
    ['/api/v1/agencies/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/vehicles', 'ycyw-catalog'],
    ['/api/v1/agencies/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/rates', 'ycyw-catalog'],
    ['/api/v1/agencies/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/reservations', 'ycyw-reservations'],
    ['/api/v1/vehicle-categories', 'ycyw-catalog'],
    ['/api/v1/vehicles/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'ycyw-catalog'],
    ['/api/v1/offers', 'ycyw-reservations'],
    ['/api/v1/reservations', 'ycyw-reservations'],
    ['/api/v1/reservations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'ycyw-reservations'],
    ['/api/v1/reservations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/cancellation-quote', 'ycyw-reservations'],
    ['/api/v1/reservations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/pickup', 'ycyw-reservations'],
    ['/api/v1/reservations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/checkout-sessions', 'ycyw-payments'],
    ['/api/v1/reservations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/payments', 'ycyw-payments'],
    ['/api/v1/payments/stripe/webhooks', 'ycyw-payments'],
    ['/api/v1/support/contact-requests', 'ycyw-support'],
    ['/api/v1/support/conversations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/messages', 'ycyw-support'],
    ['/api/v1/support/ws', 'ycyw-support'],
    ['/api/v1/support/ice-servers', 'ycyw-support'],
    ['/', 'ycyw-frontend'],
    ['/search', 'ycyw-frontend'],
    ['/main-ABCDEF12.js', 'ycyw-frontend'],
  ];
  for (const [requestPath, family] of expectations) {
    it(`routes ${requestPath} to ${family}`, () => {
      assert.equal(routeOf(requestPath), family);
    });
  }

  it('has one listener rule per route with at most 5 path values each', () => {
    const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Resources);
    assert.equal(rules.length, ROUTES.length);
    for (const route of ROUTES) assert.ok(route.paths.length <= 5);
  });
});

describe('jobs queue', () => {
  it('sends messages that failed 5 times to an encrypted dead-letter queue', () => {
    const queues = template.findResources('AWS::SQS::Queue') as Resources;
    const [jobsId, jobs] = Object.entries(queues).find(([, q]) => q.Properties.RedrivePolicy)!;
    const dlqId = refId(jobs.Properties.RedrivePolicy.deadLetterTargetArn)!;
    assert.notEqual(dlqId, jobsId);
    assert.equal(jobs.Properties.RedrivePolicy.maxReceiveCount, 5);
    for (const id of [jobsId, dlqId]) {
      assert.equal(queues[id].Properties.SqsManagedSseEnabled, true, `${id} encrypted`);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });
});

describe('alarms', () => {
  it('alarms on any message in the DLQ and on the 5xx rate, to the SNS topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources).map((a) => a.Properties);
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    const dlq = alarms.find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions).includes('DeadLetter'));
    assert.ok(dlq, 'DLQ alarm');
    assert.equal(dlq.Threshold, 0);
    assert.equal(dlq.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(refId(dlq.AlarmActions[0]), topicId);

    const rate = alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes('HTTPCode_Target_5XX_Count'));
    assert.ok(rate, '5xx rate alarm');
    assert.ok(JSON.stringify(rate.Metrics).includes('HTTPCode_ELB_5XX_Count'));
    assert.equal(refId(rate.AlarmActions[0]), topicId);
  });

  it('encrypts the alarm topic and requires TLS to publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('secrets and IAM', () => {
  function grants(roleId: string) {
    return statementsOfRole(template, roleId).map((s) => ({
      actions: asArray<string>(s.Action).sort(),
      resources: asArray<any>(s.Resource).map((r) => JSON.stringify(r)),
      effect: s.Effect,
    }));
  }

  function resourceKinds(roleId: string): string[] {
    return grants(roleId).flatMap((g) => g.resources.map((r) => {
      if (/secret:ycyw\/app/.test(r)) return 'app-secret';
      if (r.includes('JobsDeadLetterQueue')) return 'dlq';
      if (r.includes('JobsQueue')) return 'jobs-queue';
      return `other:${r}`;
    })).sort();
  }

  it('passes the application secret by APP_SECRETS_ID and the DB password as an ECS secret, never in plain env', () => {
    for (const family of [...FUNCTIONS.map((f) => f.binary), 'ycyw-worker', 'ycyw-migrate', 'ycyw-ops']) {
      const c = taskOf(family).container;
      const env = Object.fromEntries(c.Environment.map((e: any) => [e.Name, e.Value]));
      assert.match(JSON.stringify(env.APP_SECRETS_ID), /secret:ycyw\/app/, family);
      for (const name of Object.keys(env)) {
        assert.doesNotMatch(name, /PASSWORD|SECRET_KEY|WEBHOOK_SECRET|SIGNING_KEY|SHARED_SECRET/, `${family} env ${name}`);
      }
      assert.deepEqual(c.Secrets.map((s: any) => s.Name), ['DATABASE_PASSWORD']);
      assert.match(JSON.stringify(c.Secrets[0].ValueFrom), /:password::/);
    }
  });

  it('gives the SPA task no permission at all', () => {
    assert.deepEqual(grants(taskOf('ycyw-frontend').taskRoleId), []);
    const env = (taskOf('ycyw-frontend').container.Environment ?? []).map((e: any) => e.Name);
    assert.ok(!env.includes('APP_SECRETS_ID') && !env.includes('DATABASE_URL'), 'no secret, no database');
    assert.equal(taskOf('ycyw-frontend').container.Secrets, undefined);
  });

  it('lets each function read only the app secret (jobs go to the outbox in the database)', () => {
    for (const f of FUNCTIONS) {
      const roleId = taskOf(f.binary).taskRoleId;
      const g = grants(roleId);
      const secretGrant = g.find((x) => x.resources.some((r) => /secret:ycyw\/app-\?{6}/.test(r)));
      assert.ok(secretGrant, `${f.name} reads the app secret (by name, any version suffix)`);
      assert.deepEqual(secretGrant.actions, ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
      const kinds = new Set(resourceKinds(roleId));
      assert.deepEqual([...kinds].sort(), ['app-secret'], f.name);
      assert.ok(g.every((x) => x.effect === 'Allow' && x.resources.every((r) => r !== '"*"')), `${f.name}: no wildcard resource`);
    }
  });

  it('lets the worker and the ops task consume and send on the jobs queue and its DLQ, and read the app secret', () => {
    for (const family of ['ycyw-worker', 'ycyw-ops']) {
      const roleId = taskOf(family).taskRoleId;
      assert.deepEqual([...new Set(resourceKinds(roleId))].sort(), ['app-secret', 'dlq', 'jobs-queue'], family);
      for (const kind of ['jobs-queue', 'dlq']) {
        const actions = grants(roleId).filter((g) => g.resources.some((r) => (kind === 'dlq') === r.includes('JobsDeadLetterQueue') && r.includes('Jobs'))).flatMap((g) => g.actions);
        for (const a of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:SendMessage']) {
          assert.ok(actions.includes(a), `${family} ${kind} ${a}`);
        }
      }
    }
  });

  it('alarms when committed jobs wait for the relay, from the worker\'s metric log line', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter') as Resources);
    const relay = filters.find((f) => f.Properties.MetricTransformations[0].MetricName === 'RelayLagSeconds');
    assert.ok(relay, 'a metric filter on the worker log group');
    assert.equal(relay.Properties.MetricTransformations[0].MetricValue, '$.relay_lag_seconds');
    assert.match(JSON.stringify(relay.Properties.LogGroupName), /WorkerLogs/);
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources).find((a) => a.Properties.MetricName === 'RelayLagSeconds');
    assert.ok(alarm, 'relay lag alarm');
    assert.equal(alarm.Properties.Threshold, 120);
    assert.equal(alarm.Properties.TreatMissingData, 'breaching', 'no metric line means no worker');
  });

  it('lets the migration task read the app secret only', () => {
    assert.deepEqual([...new Set(resourceKinds(taskOf('ycyw-migrate').taskRoleId))], ['app-secret']);
  });

  it('keeps the database secret for the execution roles (ECS injects it), not the task roles', () => {
    for (const family of [...SERVICES, 'ycyw-migrate', 'ycyw-ops']) {
      const t = taskOf(family);
      assert.ok(!JSON.stringify(statementsOfRole(template, t.taskRoleId)).includes('DatabaseSecret'), `${family} task role`);
    }
    const auth = taskOf('ycyw-auth');
    assert.ok(JSON.stringify(statementsOfRole(template, auth.executionRoleId)).includes('DatabaseSecret'));
  });
});

describe('logs', () => {
  it('keeps every log group for a bounded time', () => {
    for (const [id, group] of Object.entries(template.findResources('AWS::Logs::LogGroup') as Resources)) {
      assert.ok(group.Properties.RetentionInDays > 0, id);
    }
  });
});
