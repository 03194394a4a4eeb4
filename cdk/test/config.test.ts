import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { configFromContext } from '../lib/config';
import { IMAGES } from '../lib/services';
import { Resources, synth } from './helpers';

const config = (context: Record<string, unknown>) => configFromContext(new App({ context }).node);

describe('configuration from context', () => {
  it('requires a valid domain name and applies defaults', () => {
    assert.throws(() => config({}), /domainName/);
    assert.throws(() => config({ domainName: 'not a host' }), /domainName/);
    const c = config({ domainName: 'App.Example.com' });
    assert.equal(c.domainName, 'app.example.com');
    assert.equal(c.imageTag, 'latest');
    assert.equal(c.natGateways, 2);
    assert.equal(c.appSecretName, 'ycyw/app');
  });

  it('rejects inconsistent or malformed values', () => {
    assert.throws(() => config({ domainName: 'a.example.com', certificateArn: 'arn:aws:s3:::bucket' }), /certificateArn/);
    assert.throws(() => config({ domainName: 'a.example.com', hostedZoneId: 'Z123' }), /hostedZoneName/);
    assert.throws(() => config({ domainName: 'a.example.com', hostedZoneId: 'Z123', hostedZoneName: 'other.com' }), /not inside/);
    assert.throws(() => config({ domainName: 'a.example.com', imageTag: 'bad tag' }), /imageTag/);
    assert.throws(() => config({ domainName: 'a.example.com', minInstances: '4', maxInstances: '2' }), /maxInstances/);
    assert.throws(() => config({ domainName: 'a.example.com', logRetentionDays: '42' }), /logRetentionDays/);
  });
});

describe('certificate and DNS options', () => {
  it('imports an existing certificate by ARN instead of creating one', () => {
    const arn = 'arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const { appTemplate } = synth({ certificateArn: arn });
    appTemplate.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    appTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Certificates: [{ CertificateArn: arn }] });
  });

  it('validates the certificate in, and aliases the domain from, a given hosted zone', () => {
    const { appTemplate } = synth({ hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'ycyw.test' });
    appTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: [{ DomainName: 'app.ycyw.test', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    const record = Object.values(appTemplate.findResources('AWS::Route53::RecordSet') as Resources)[0].Properties;
    assert.equal(record.Name, 'app.ycyw.test.');
    assert.equal(record.Type, 'A');
    assert.match(JSON.stringify(record.AliasTarget), /LoadBalancer/);
  });

  it('runs the image tag given in context', () => {
    const { appTemplate } = synth({ imageTag: 'deadbeef' });
    const images = Object.values(appTemplate.findResources('AWS::ECS::TaskDefinition') as Resources)
      .map((t) => JSON.stringify(t.Properties.ContainerDefinitions[0].Image));
    assert.ok(images.length > 0 && images.every((i) => i.endsWith(':deadbeef"]]}')), images.join('\n'));
  });
});

describe('foundation stack', () => {
  it('creates one scanned, immutable ECR repository per deployable image', () => {
    const { foundationTemplate } = synth();
    const repositories = Object.values(foundationTemplate.findResources('AWS::ECR::Repository') as Resources);
    assert.deepEqual(repositories.map((r) => r.Properties.RepositoryName).sort(), IMAGES.map((i) => `ycyw/${i}`).sort());
    for (const r of repositories) {
      assert.equal(r.Properties.ImageTagMutability, 'IMMUTABLE');
      assert.deepEqual(r.Properties.ImageScanningConfiguration, { ScanOnPush: true });
      assert.equal((r as any).DeletionPolicy, 'Retain');
    }
  });

  it('creates the application secret with a generated JWT key and keeps it on deletion', () => {
    const { foundationTemplate } = synth();
    const secret = Object.values(foundationTemplate.findResources('AWS::SecretsManager::Secret') as Resources)[0];
    assert.equal(secret.Properties.Name, 'ycyw/app');
    assert.equal(secret.Properties.GenerateSecretString.GenerateStringKey, 'JWT_SIGNING_KEY');
    assert.ok(secret.Properties.GenerateSecretString.PasswordLength >= 32);
    assert.equal((secret as any).DeletionPolicy, 'Retain');
  });
});
