import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Everything a container of ours needs, for a long-running service or a one-off task. */
export interface AppTaskProps {
  /** Task definition family, e.g. `ycyw-auth`. */
  readonly family: string;
  readonly image: ecs.ContainerImage;
  readonly command?: string[];
  /** CPU units (1024 = 1 vCPU) and hard memory limit of the container. */
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  /** Container port to publish (awsvpc: the task's own ENI). */
  readonly port?: number;
  /** Container health check command (ECS ignores the image's HEALTHCHECK). */
  readonly healthCheckCommand?: string[];
  readonly environment: Record<string, string>;
  readonly secrets?: Record<string, ecs.Secret>;
  readonly logRetention: logs.RetentionDays;
  /** Time given to the process to drain after SIGTERM before SIGKILL (ECS on EC2: at most 120 s). */
  readonly stopTimeout?: Duration;
}

/**
 * An ECS task definition (awsvpc) with one hardened container: read-only root file
 * system with a tmpfs /tmp, no Linux capabilities, an init process, CPU/memory limits,
 * its own log group with retention and non-blocking logging.
 */
export class AppTask extends Construct {
  readonly taskDefinition: ecs.Ec2TaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppTaskProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/ycyw/${props.family}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      family: props.family,
      networkMode: ecs.NetworkMode.AWS_VPC,
    });

    const linuxParameters = new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true });
    linuxParameters.dropCapabilities(ecs.Capability.ALL);
    linuxParameters.addTmpfs({ containerPath: '/tmp', size: 64, mountOptions: [ecs.TmpfsMountOption.NOEXEC, ecs.TmpfsMountOption.NOSUID, ecs.TmpfsMountOption.NODEV] });

    this.container = this.taskDefinition.addContainer('app', {
      containerName: 'app',
      image: props.image,
      command: props.command,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      memoryReservationMiB: Math.floor(props.memoryLimitMiB / 2),
      essential: true,
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters,
      environment: Object.keys(props.environment).length > 0 ? props.environment : undefined,
      secrets: props.secrets,
      stopTimeout: props.stopTimeout ?? Duration.seconds(30),
      portMappings: props.port ? [{ containerPort: props.port, protocol: ecs.Protocol.TCP }] : undefined,
      healthCheck: props.healthCheckCommand
        ? {
            command: props.healthCheckCommand,
            interval: Duration.seconds(15),
            timeout: Duration.seconds(5),
            retries: 3,
            startPeriod: Duration.seconds(30),
          }
        : undefined,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: props.family,
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });
  }
}

export interface AppServiceProps extends AppTaskProps {
  readonly cluster: ecs.ICluster;
  readonly capacityProvider: ecs.AsgCapacityProvider;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly subnets: ec2.SubnetSelection;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Time the service ignores failing load-balancer health checks after a task starts. */
  readonly healthCheckGracePeriod?: Duration;
}

/**
 * A long-running ECS service on the cluster's EC2 capacity provider: spread across AZs,
 * rolling deployments guarded by the circuit breaker (automatic rollback), and
 * target-tracking autoscaling on CPU. Callers add load balancing and extra scaling.
 */
export class AppService extends AppTask {
  readonly service: ecs.Ec2Service;
  readonly scaling: ecs.ScalableTaskCount;

  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id, props);

    this.service = new ecs.Ec2Service(this, 'Service', {
      serviceName: props.family,
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      capacityProviderStrategies: [{ capacityProvider: props.capacityProvider.capacityProviderName, weight: 1 }],
      securityGroups: [props.securityGroup],
      vpcSubnets: props.subnets,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: props.healthCheckGracePeriod,
      placementStrategies: [
        ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE),
        ecs.PlacementStrategy.packedByMemory(),
      ],
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    // The capacity provider must exist on the cluster before the service is created.
    this.service.node.addDependency(props.capacityProvider);

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.minTasks, maxCapacity: props.maxTasks });
    this.scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
  }
}
