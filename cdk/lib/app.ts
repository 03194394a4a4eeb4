import { App, AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AppStack } from './app-stack';
import { configFromContext } from './config';
import { FoundationStack } from './foundation-stack';

export interface YcywApp {
  readonly app: App;
  readonly foundation: FoundationStack;
  readonly application: AppStack;
}

/**
 * Builds the whole CDK app: the foundation stack (ECR repositories, application secret)
 * and the application stack, with cdk-nag's AWS Solutions pack as a synthesis-time
 * policy validation (an unacknowledged finding fails `cdk synth`).
 */
export function buildApp(props: AppProps = {}): YcywApp {
  const app = new App(props);
  const config = configFromContext(app.node);
  const description = 'Your Car Your Way car-rental platform';

  const foundation = new FoundationStack(app, 'YcywFoundation', {
    config,
    description: `${description}: image repositories and application secret`,
  });
  const application = new AppStack(app, 'YcywApp', {
    config,
    description: `${description}: network, ECS on EC2, ALB, RDS MySQL, SQS, alarms`,
  });
  // Deploy order for `cdk deploy --all`; no cross-stack reference (names are shared by config).
  application.addStackDependency(foundation);

  for (const stack of [foundation, application]) {
    Tags.of(stack).add('project', 'ycyw');
    Tags.of(stack).add('managed-by', 'cdk');
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, foundation, application };
}
