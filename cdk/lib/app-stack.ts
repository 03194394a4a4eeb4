import { CfnOutput, CfnResource, Duration, Fn, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FactName } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { AppService, AppTask } from './app-service';
import { YcywConfig } from './config';
import { acknowledgeAppStackFindings } from './nag-acknowledgements';
import { FRONTEND_PORT, FUNCTION_PORT, FUNCTIONS, FunctionName, ROUTES, WORKER_HEALTH_PORT } from './services';

export interface AppStackProps extends StackProps {
  readonly config: YcywConfig;
}

const DATABASE_NAME = 'ycyw';
const DATABASE_USER = 'ycyw_admin';
const DATABASE_INSTANCE_ID = 'ycyw-mysql';

/** Liveness probe run inside the Rust images (a static busybox is copied there for this). */
function rustHealthCheck(port: number): string[] {
  return ['CMD', '/usr/local/bin/busybox', 'wget', '-q', '-T', '3', '-O', '/dev/null', `http://127.0.0.1:${port}/health/live`];
}

/**
 * The running application: network, ECS cluster on EC2, one service per function plus
 * the SPA and the worker behind an HTTPS ALB, RDS MySQL, the jobs queue, Redis for the
 * support fan-out, alarms, and the one-off migration and ops task definitions.
 */
export class AppStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly httpsListener: elbv2.ApplicationListener;
  readonly database: rds.DatabaseInstance;
  readonly jobsQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarmTopic: sns.Topic;
  readonly functions: Record<FunctionName, AppService>;
  readonly frontend: AppService;
  readonly worker: AppService;
  readonly migrationTask: AppTask;
  readonly opsTask: AppTask;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const publicUrl = `https://${config.domainName}`;

    // ---------------------------------------------------------------- network
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // Image layers come from S3: keep that traffic off the NAT gateways.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.vpc.addFlowLog('FlowLog', {
      trafficType: ec2.FlowLogTrafficType.REJECT,
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN }),
      ),
    });
    const appSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const dataSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    // ---------------------------------------------------------------- alarms topic
    // Customer-managed key: CloudWatch alarms and Auto Scaling notifications can only
    // publish to an encrypted topic whose key lets them.
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the Your Car Your Way alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    alarmKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
    }));
    alarmKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAutoScalingNotifications',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:PrincipalAccount': this.account },
        ArnLike: { 'aws:PrincipalArn': `arn:${this.partition}:iam::${this.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` },
      },
    }));
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Your Car Your Way alarms',
      masterKey: alarmKey,
      enforceSSL: true,
    });
    if (config.alarmEmail) {
      this.alarmTopic.addSubscription(new snsSubscriptions.EmailSubscription(config.alarmEmail));
    }
    const alarmAction = new cwActions.SnsAction(this.alarmTopic);

    // ---------------------------------------------------------------- secrets
    // Created by the foundation stack (filled by the operator before the first start).
    const appSecret = secretsmanager.Secret.fromSecretNameV2(this, 'AppSecret', config.appSecretName);

    // ---------------------------------------------------------------- queue
    this.deadLetterQueue = new sqs.Queue(this, 'JobsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.jobsQueue = new sqs.Queue(this, 'JobsQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than the slowest job (Stripe call + email) so a message is not handed out twice.
      visibilityTimeout: Duration.minutes(2),
      receiveMessageWaitTime: Duration.seconds(20),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    // ---------------------------------------------------------------- security groups
    const sg = (name: string, description: string, allowAllOutbound = true) =>
      new ec2.SecurityGroup(this, `${name}SecurityGroup`, { vpc: this.vpc, description, allowAllOutbound });
    const functionSgs = Object.fromEntries(
      FUNCTIONS.map((f) => [f.name, sg(`${f.name[0].toUpperCase()}${f.name.slice(1)}`, `ECS tasks of the ${f.name} function`)]),
    ) as Record<FunctionName, ec2.SecurityGroup>;
    const workerSg = sg('Worker', 'ECS tasks of the job worker');
    const opsSg = sg('Ops', 'One-off migration and ops CLI tasks');
    const frontendSg = sg('Frontend', 'ECS tasks serving the Angular SPA');
    const databaseSg = sg('Database', 'RDS MySQL: 3306 from the application tasks only', false);
    const cacheSg = sg('Cache', 'ElastiCache (support fan-out): 6379 from the support tasks only', false);
    const albSg = sg('LoadBalancer', 'Public ALB: 80 (redirect) and 443 from anywhere', false);

    // ---------------------------------------------------------------- database
    const parameterGroup = new rds.ParameterGroup(this, 'DatabaseParameters', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_43 }),
      description: 'Your Car Your Way MySQL 8.0: TLS only, utf8mb4, UTC',
      parameters: {
        require_secure_transport: '1',
        character_set_server: 'utf8mb4',
        time_zone: 'UTC',
        // The migrations create triggers (reservation_agencies, docs/reservations.md); with the
        // binary log on (backups), MySQL refuses them to a user without SUPER unless this is set.
        log_bin_trust_function_creators: '1',
      },
    });
    this.database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_43 }),
      instanceType: new ec2.InstanceType(config.dbInstanceType),
      vpc: this.vpc,
      vpcSubnets: dataSubnets,
      securityGroups: [databaseSg],
      publiclyAccessible: false,
      multiAz: true,
      databaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER, { secretName: 'ycyw/database' }),
      parameterGroup,
      storageType: rds.StorageType.GP3,
      allocatedStorage: 50,
      maxAllocatedStorage: 500,
      storageEncrypted: true,
      backupRetention: Duration.days(14),
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:03:30-sun:04:30',
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      monitoringInterval: Duration.seconds(60),
      enablePerformanceInsights: true,
      // Error log only: the general and slow logs would carry query values (personal data).
      cloudwatchLogsExports: ['error'],
      instanceIdentifier: DATABASE_INSTANCE_ID,
    });
    // Created here (with retention) rather than by RDS, which would keep the logs forever.
    const databaseLogs = new logs.LogGroup(this, 'DatabaseErrorLogs', {
      logGroupName: `/aws/rds/instance/${DATABASE_INSTANCE_ID}/error`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.database.node.addDependency(databaseLogs);
    const databaseSecret = this.database.secret!;
    const databaseUrl = `mysql://${DATABASE_USER}@${this.database.dbInstanceEndpointAddress}:${this.database.dbInstanceEndpointPort}/${DATABASE_NAME}?ssl-mode=required`;

    // ---------------------------------------------------------------- support fan-out (Redis protocol)
    const cacheSubnets = new elasticache.CfnSubnetGroup(this, 'CacheSubnets', {
      description: 'Isolated subnets of the support fan-out cache',
      subnetIds: this.vpc.selectSubnets(dataSubnets).subnetIds,
    });
    const cache = new elasticache.CfnReplicationGroup(this, 'Cache', {
      replicationGroupDescription: 'Support chat and call signalling fan-out (pub/sub only, no data at rest of value)',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: config.cacheNodeType,
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      port: 6379,
      cacheSubnetGroupName: cacheSubnets.ref,
      securityGroupIds: [cacheSg.securityGroupId],
      autoMinorVersionUpgrade: true,
    });
    const redisUrl = `rediss://${cache.attrPrimaryEndPointAddress}:${cache.attrPrimaryEndPointPort}`;

    // ---------------------------------------------------------------- ECS cluster on EC2
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      clusterName: 'ycyw',
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const instanceSg = sg('Instances', 'ECS container instances (tasks have their own ENIs and groups)');
    const instanceRole = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'ECS container instances: agent registration (added by the capacity provider) and SSM sessions',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    const userData = ec2.UserData.forLinux();
    // Tasks (awsvpc) must not reach the instance metadata service and the instance role.
    userData.addCommands(
      'echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config',
      'echo ECS_ENABLE_CONTAINER_METADATA=true >> /etc/ecs/ecs.config',
    );
    const launchTemplate = new ec2.LaunchTemplate(this, 'InstanceTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
      instanceType: new ec2.InstanceType(config.instanceType),
      role: instanceRole,
      securityGroup: instanceSg,
      userData,
      requireImdsv2: true,
      detailedMonitoring: true,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(40, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
      }],
    });
    const instances = new autoscaling.AutoScalingGroup(this, 'Instances', {
      vpc: this.vpc,
      vpcSubnets: appSubnets,
      launchTemplate,
      minCapacity: config.minInstances,
      maxCapacity: config.maxInstances,
      cooldown: Duration.minutes(5),
      // Monthly replacement picks up the latest ECS-optimized AMI; managed draining moves tasks first.
      maxInstanceLifetime: Duration.days(30),
      notifications: [{ topic: this.alarmTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
    });
    const capacityProvider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup: instances,
      enableManagedScaling: true,
      enableManagedTerminationProtection: true,
      enableManagedDraining: true,
      targetCapacityPercent: 100,
      machineImageType: ecs.MachineImageType.AMAZON_LINUX_2,
    });
    this.cluster.addAsgCapacityProvider(capacityProvider);
    this.cluster.addDefaultCapacityProviderStrategy([{ capacityProvider: capacityProvider.capacityProviderName, weight: 1 }]);

    // ---------------------------------------------------------------- load balancer + TLS
    const zone = config.hostedZone
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: config.hostedZone.id, zoneName: config.hostedZone.name })
      : undefined;
    const certificate: acm.ICertificate = config.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn)
      : new acm.Certificate(this, 'Certificate', {
          domainName: config.domainName,
          // Without a hosted zone, CloudFormation waits until the CNAME shown in ACM is published.
          validation: acm.CertificateValidation.fromDns(zone),
        });

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      internetFacing: true,
      securityGroup: albSg,
      // WebSocket chat (/api/v1/support/ws) stays open between heartbeats.
      idleTimeout: Duration.seconds(300),
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      http2Enabled: true,
      deletionProtection: true,
    });
    this.enableAccessLogs(this.loadBalancer, accessLogs, 'alb');

    this.loadBalancer.addRedirect({
      sourceProtocol: elbv2.ApplicationProtocol.HTTP,
      sourcePort: 80,
      targetProtocol: elbv2.ApplicationProtocol.HTTPS,
      targetPort: 443,
    });

    const targetGroup = (name: string, port: number, drainSeconds: number) =>
      new elbv2.ApplicationTargetGroup(this, `${name}Targets`, {
        vpc: this.vpc,
        port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(drainSeconds),
        healthCheck: {
          // Ready = DB reachable and migrations applied: a task only gets traffic when it can serve it.
          path: '/health/ready',
          healthyHttpCodes: '200',
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
      });

    // ---------------------------------------------------------------- images
    const repositories = new Map<string, ecr.IRepository>();
    const image = (name: string) => {
      let repository = repositories.get(name);
      if (!repository) {
        repository = ecr.Repository.fromRepositoryName(this, `Repository-${name}`, `${config.repositoryPrefix}/${name}`);
        repositories.set(name, repository);
      }
      return ecs.ContainerImage.fromEcrRepository(repository, config.imageTag);
    };

    // ---------------------------------------------------------------- configuration
    // Non-secret settings only (DESIGN §3); secrets come from APP_SECRETS_ID and, for the
    // database password, from the RDS-generated secret injected by ECS.
    const rustEnvironment: Record<string, string> = {
      APP_ENV: 'prod',
      AWS_REGION: this.region,
      LOG_FORMAT: 'json',
      RUST_LOG: 'info',
      APP_SECRETS_ID: appSecret.secretArn,
      DATABASE_URL: databaseUrl,
      RUN_MIGRATIONS: '0',
      PUBLIC_URL: publicUrl,
      ALLOWED_ORIGINS: publicUrl,
      JWT_ISSUER: publicUrl,
      JWT_AUDIENCE: `${publicUrl}/api`,
    };
    const rustSecrets = { DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(databaseSecret, 'password') };
    // Functions write jobs to the outbox (the `jobs` table) in their own transactions and never
    // talk to SQS; the worker's relay publishes committed rows to the queue and its consumer runs
    // them (docs/operations.md, "Jobs").
    const queueEnvironment = { QUEUE: 'sqs', SQS_QUEUE_URL: this.jobsQueue.queueUrl, SQS_DLQ_URL: this.deadLetterQueue.queueUrl };
    const functionEnvironment: Record<FunctionName, Record<string, string>> = {
      auth: { RATE_LIMIT_PER_MINUTE: '20', TRUST_PROXY: '1' },
      catalog: {},
      reservations: {},
      payments: {},
      support: {
        RATE_LIMIT_PER_MINUTE: '20',
        TRUST_PROXY: '1',
        REDIS_URL: redisUrl,
        ...(config.stunUrls ? { STUN_URLS: config.stunUrls } : {}),
        ...(config.turnUrls ? { TURN_URLS: config.turnUrls } : {}),
      },
    };

    // ---------------------------------------------------------------- function services
    const functions: Partial<Record<FunctionName, AppService>> = {};
    const targetGroups: Partial<Record<FunctionName, elbv2.ApplicationTargetGroup>> = {};
    for (const spec of FUNCTIONS) {
      const title = `${spec.name[0].toUpperCase()}${spec.name.slice(1)}`;
      const svc = new AppService(this, title, {
        family: spec.binary,
        image: image(spec.name),
        cpu: spec.cpu,
        memoryLimitMiB: spec.memoryLimitMiB,
        port: FUNCTION_PORT,
        healthCheckCommand: rustHealthCheck(FUNCTION_PORT),
        environment: {
          ...rustEnvironment,
          PORT: String(FUNCTION_PORT),
          ...functionEnvironment[spec.name],
        },
        secrets: rustSecrets,
        logRetention,
        stopTimeout: Duration.seconds(spec.drainSeconds),
        cluster: this.cluster,
        capacityProvider,
        securityGroup: functionSgs[spec.name],
        subnets: appSubnets,
        minTasks: spec.minTasks,
        maxTasks: spec.maxTasks,
        healthCheckGracePeriod: Duration.seconds(120),
      });
      appSecret.grantRead(svc.taskDefinition.taskRole);
      databaseSg.addIngressRule(functionSgs[spec.name], ec2.Port.tcp(3306), `MySQL from the ${spec.name} tasks`);

      const tg = targetGroup(title, FUNCTION_PORT, spec.drainSeconds);
      svc.service.attachToApplicationTargetGroup(tg);
      functions[spec.name] = svc;
      targetGroups[spec.name] = tg;
    }
    this.functions = functions as Record<FunctionName, AppService>;
    cacheSg.addIngressRule(functionSgs.support, ec2.Port.tcp(6379), 'Redis (TLS) from the support tasks');

    // ---------------------------------------------------------------- frontend
    this.frontend = new AppService(this, 'Frontend', {
      family: 'ycyw-frontend',
      image: image('frontend'),
      cpu: 128,
      memoryLimitMiB: 256,
      port: FRONTEND_PORT,
      healthCheckCommand: ['CMD', 'wget', '-q', '-T', '3', '-O', '/dev/null', `http://127.0.0.1:${FRONTEND_PORT}/health/live`],
      environment: {},
      logRetention,
      cluster: this.cluster,
      capacityProvider,
      securityGroup: frontendSg,
      subnets: appSubnets,
      minTasks: 2,
      maxTasks: 4,
      healthCheckGracePeriod: Duration.seconds(60),
    });
    const frontendTargets = targetGroup('Frontend', FRONTEND_PORT, 15);
    this.frontend.service.attachToApplicationTargetGroup(frontendTargets);

    // ---------------------------------------------------------------- listeners and routes
    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
      sslPolicy: elbv2.SslPolicy.TLS13_12_PQ,
      open: true,
      defaultAction: elbv2.ListenerAction.forward([frontendTargets]),
    });
    for (const route of ROUTES) {
      new elbv2.ApplicationListenerRule(this, `Route${route.priority}`, {
        listener: this.httpsListener,
        priority: route.priority,
        conditions: [elbv2.ListenerCondition.pathPatterns([...route.paths])],
        action: elbv2.ListenerAction.forward([targetGroups[route.target]!]),
      });
    }
    // Request-count scaling needs the target groups attached to the load balancer first.
    for (const spec of FUNCTIONS) {
      this.functions[spec.name].scaling.scaleOnRequestCount('Requests', { requestsPerTarget: 1000, targetGroup: targetGroups[spec.name]! });
    }
    if (zone) {
      new route53.ARecord(this, 'AliasRecord', {
        zone,
        recordName: `${config.domainName}.`,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }

    // ---------------------------------------------------------------- worker
    const workerEnvironment: Record<string, string> = {
      ...rustEnvironment,
      ...queueEnvironment,
      HEALTH_PORT: String(WORKER_HEALTH_PORT),
      MAIL_FROM: config.mailFrom,
      ...(config.smtpUrl ? { SMTP_URL: config.smtpUrl } : {}),
    };
    this.worker = new AppService(this, 'Worker', {
      family: 'ycyw-worker',
      image: image('worker'),
      command: ['run'],
      cpu: 256,
      memoryLimitMiB: 512,
      port: WORKER_HEALTH_PORT,
      healthCheckCommand: rustHealthCheck(WORKER_HEALTH_PORT),
      // A brand-new environment converges on its own: the worker applies pending migrations at
      // start (sqlx takes a lock). Releases run the migration task first (CI), making this a no-op.
      environment: { ...workerEnvironment, RUN_MIGRATIONS: '1' },
      secrets: rustSecrets,
      logRetention,
      stopTimeout: Duration.seconds(60),
      cluster: this.cluster,
      capacityProvider,
      securityGroup: workerSg,
      subnets: appSubnets,
      minTasks: 1,
      maxTasks: 4,
    });
    appSecret.grantRead(this.worker.taskDefinition.taskRole);
    // The relay sends, the consumer receives and deletes; dead jobs go to the DLQ, which
    // `jobs list --dead` reads and `jobs retry` empties.
    for (const queue of [this.jobsQueue, this.deadLetterQueue]) {
      queue.grantConsumeMessages(this.worker.taskDefinition.taskRole);
      queue.grantSendMessages(this.worker.taskDefinition.taskRole);
    }
    databaseSg.addIngressRule(workerSg, ec2.Port.tcp(3306), 'MySQL from the worker tasks');
    // Queue depth drives the worker count on top of CPU.
    this.worker.scaling.scaleOnMetric('QueueDepth', {
      metric: this.jobsQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 10, change: -1 },
        { lower: 100, change: +1 },
        { lower: 500, change: +2 },
      ],
      cooldown: Duration.minutes(2),
    });

    // ---------------------------------------------------------------- one-off tasks
    // `aws ecs run-task` with the worker image: `ycyw-worker migrate` (cdk/scripts/run-migrations.sh)
    this.migrationTask = new AppTask(this, 'Migration', {
      family: 'ycyw-migrate',
      image: image('worker'),
      command: ['migrate'],
      cpu: 256,
      memoryLimitMiB: 512,
      environment: { ...rustEnvironment, RUN_MIGRATIONS: '1' },
      secrets: rustSecrets,
      logRetention,
    });
    appSecret.grantRead(this.migrationTask.taskDefinition.taskRole);
    // The ops CLI (`jobs list --dead`, `jobs retry`, `create-staff`, `seed-demo`, `purge-retention`)
    // with a command override; see docs/operations.md.
    this.opsTask = new AppTask(this, 'Ops', {
      family: 'ycyw-ops',
      image: image('worker'),
      command: ['jobs', 'list', '--dead'],
      cpu: 256,
      memoryLimitMiB: 512,
      environment: { ...workerEnvironment },
      secrets: rustSecrets,
      logRetention,
    });
    appSecret.grantRead(this.opsTask.taskDefinition.taskRole);
    for (const queue of [this.jobsQueue, this.deadLetterQueue]) {
      queue.grantConsumeMessages(this.opsTask.taskDefinition.taskRole);
      queue.grantSendMessages(this.opsTask.taskDefinition.taskRole);
    }
    databaseSg.addIngressRule(opsSg, ec2.Port.tcp(3306), 'MySQL from the migration and ops tasks');

    // ---------------------------------------------------------------- alarms
    const alarm = (id: string, props: cloudwatch.AlarmProps) => {
      const a = new cloudwatch.Alarm(this, id, props);
      a.addAlarmAction(alarmAction);
      a.addOkAction(alarmAction);
      return a;
    };
    alarm('DeadLetterQueueNotEmpty', {
      alarmDescription: 'A job failed all its attempts and sits in the DLQ: see docs/operations.md#dlq-replay',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('JobsBacklog', {
      alarmDescription: 'The oldest job has waited more than 15 minutes: the worker is down or too slow',
      metric: this.jobsQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 900,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The worker logs its queue metrics every minute (docs/operations.md, "Jobs"); the relay lag
    // is the age of the oldest committed job not yet published to SQS.
    const relayLag = new logs.MetricFilter(this, 'RelayLagMetric', {
      logGroup: this.worker.logGroup,
      metricNamespace: 'Ycyw/Worker',
      metricName: 'RelayLagSeconds',
      filterPattern: logs.FilterPattern.exists('$.relay_lag_seconds'),
      metricValue: '$.relay_lag_seconds',
    });
    alarm('RelayLag', {
      alarmDescription: 'Committed jobs wait more than 2 minutes for the relay: the worker is down or cannot reach SQS',
      metric: relayLag.metric({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 120,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      // No metric line for minutes means no worker at all.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    alarm('Http5xxRate', {
      alarmDescription: 'More than 5 % of requests answered 5xx (ALB or targets) over 5 minutes',
      metric: new cloudwatch.MathExpression({
        label: '5xx rate (%)',
        expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
        usingMetrics: {
          requests: this.loadBalancer.metrics.requestCount(fiveMinutes),
          elb5xx: this.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, fiveMinutes),
          target5xx: this.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, fiveMinutes),
        },
        period: Duration.minutes(5),
      }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('DatabaseCpuHigh', {
      alarmDescription: 'RDS CPU above 80 % for 15 minutes',
      metric: this.database.metricCPUUtilization({ period: Duration.minutes(5) }),
      threshold: 80,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    alarm('DatabaseStorageLow', {
      alarmDescription: 'RDS free storage below 5 GiB (autoscaling storage may be at its maximum)',
      metric: this.database.metricFreeStorageSpace({ period: Duration.minutes(5) }),
      threshold: 5 * 1024 ** 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
    });

    // ---------------------------------------------------------------- outputs (used by CI and runbooks)
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('LoadBalancerDnsName', this.loadBalancer.loadBalancerDnsName, `Point ${config.domainName} here (CNAME or alias)`);
    output('ClusterName', this.cluster.clusterName, 'ECS cluster');
    output('CapacityProviderName', capacityProvider.capacityProviderName, 'Capacity provider for run-task');
    output('MigrationTaskFamily', this.migrationTask.taskDefinition.family, 'One-off migration task (ycyw-worker migrate)');
    output('OpsTaskFamily', this.opsTask.taskDefinition.family, 'Ops CLI task (ycyw-worker …)');
    output('TaskSubnetIds', Fn.join(',', this.vpc.selectSubnets(appSubnets).subnetIds), 'Private subnets for one-off tasks');
    output('OpsSecurityGroupId', opsSg.securityGroupId, 'Security group for one-off tasks');
    output('JobsQueueUrl', this.jobsQueue.queueUrl, 'Jobs queue');
    output('JobsQueueArn', this.jobsQueue.queueArn, 'Jobs queue ARN (DLQ redrive destination)');
    output('DeadLetterQueueUrl', this.deadLetterQueue.queueUrl, 'Jobs dead-letter queue');
    output('DeadLetterQueueArn', this.deadLetterQueue.queueArn, 'Jobs dead-letter queue ARN (redrive source)');
    output('DatabaseEndpoint', this.database.dbInstanceEndpointAddress, 'RDS endpoint (private)');
    output('DatabaseSecretArn', databaseSecret.secretArn, 'RDS master credentials');
    output('AlarmTopicArn', this.alarmTopic.topicArn, 'SNS topic of the alarms');

    acknowledgeAppStackFindings({
      instanceRole,
      albSecurityGroup: albSg,
      accessLogs,
      database: this.database,
      cache,
      taskDefinitions: [
        ...Object.values(this.functions).map((f) => f.taskDefinition),
        this.frontend.taskDefinition,
        this.worker.taskDefinition,
        this.migrationTask.taskDefinition,
        this.opsTask.taskDefinition,
      ],
    });
  }

  /**
   * ALB access logs without knowing the region at synthesis time (`logAccessLogs` needs it):
   * the ELB log-delivery account comes from a region mapping (`regionalFact`), and regions
   * opened since 2022 deliver through the log-delivery service principal instead.
   */
  private enableAccessLogs(alb: elbv2.ApplicationLoadBalancer, bucket: s3.Bucket, prefix: string): void {
    alb.setAttribute('access_logs.s3.enabled', 'true');
    alb.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    alb.setAttribute('access_logs.s3.prefix', prefix);
    const objects = bucket.arnForObjects(`${prefix}/AWSLogs/${this.account}/*`);
    const elbAccount = this.regionalFact(FactName.ELBV2_ACCOUNT, this.account);
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlbLogDeliveryLegacyRegions',
      actions: ['s3:PutObject'],
      principals: [new iam.ArnPrincipal(`arn:${this.partition}:iam::${elbAccount}:root`)],
      resources: [objects],
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlbLogDelivery',
      actions: ['s3:PutObject'],
      principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
      resources: [objects],
    }));
    const lb = alb.node.defaultChild as CfnResource;
    const policy = bucket.policy?.node.defaultChild as CfnResource | undefined;
    if (policy) lb.addResourceDependency(policy);
  }
}
