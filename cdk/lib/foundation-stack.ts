import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { YcywConfig } from './config';
import { IMAGES } from './services';

export interface FoundationStackProps extends StackProps {
  readonly config: YcywConfig;
}

/**
 * What must exist before the application stack can start: the image repositories
 * (CI pushes to them before the first deployment) and the application secret (the
 * operator fills the third-party keys before the services start). Long-lived, rarely
 * changed, retained on deletion.
 */
export class FoundationStack extends Stack {
  readonly repositories: Record<string, ecr.Repository> = {};
  readonly appSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id, props);
    const { config } = props;

    for (const image of IMAGES) {
      const repository = new ecr.Repository(this, `Repository-${image}`, {
        repositoryName: `${config.repositoryPrefix}/${image}`,
        imageScanOnPush: true,
        // Tags are commit SHAs: a tag always names the same image, so a rollback is exact.
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        encryption: ecr.RepositoryEncryption.AES_256,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [
          { description: 'Drop untagged layers after a day', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(1), rulePriority: 1 },
          { description: 'Keep the last 50 releases for rollbacks', tagStatus: ecr.TagStatus.ANY, maxImageCount: 50, rulePriority: 2 },
        ],
      });
      this.repositories[image] = repository;
      new CfnOutput(this, `RepositoryUri-${image}`, { value: repository.repositoryUri });
    }

    // One JSON secret read by every Rust binary through APP_SECRETS_ID (DESIGN §3).
    // The JWT key is generated here; the operator adds RATE_LIMIT_KEY, STRIPE_SECRET_KEY,
    // STRIPE_WEBHOOK_SECRET, SMTP_PASSWORD and TURN_SHARED_SECRET (docs/operations.md).
    // DATABASE_PASSWORD is not kept here: ECS injects it from the RDS-generated secret.
    this.appSecret = new secretsmanager.Secret(this, 'AppSecret', {
      secretName: config.appSecretName,
      description: 'Your Car Your Way application secrets (JSON): JWT_SIGNING_KEY, RATE_LIMIT_KEY, STRIPE_*, SMTP_PASSWORD, TURN_SHARED_SECRET',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'JWT_SIGNING_KEY',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Holds third-party keys (Stripe, SMTP, TURN) that are rotated at the provider and then written here, and the JWT key, rotated by the documented runbook (docs/operations.md#secrets-rotation) because the running tasks read it at start-up.',
    });
    new CfnOutput(this, 'AppSecretArn', { value: this.appSecret.secretArn });
  }
}
