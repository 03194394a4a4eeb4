import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildApp } from '../lib/app';
import { cdkJsonContext, DOMAIN, synth, Synthesized } from './helpers';

let built: Synthesized;

before(() => {
  // synth() runs the AwsSolutions pack as a policy-validation plugin: it throws on any
  // unacknowledged finding, so getting here already means the app passes.
  built = synth();
});

function* walk(scope: IConstruct): Generator<IConstruct> {
  yield scope;
  for (const child of scope.node.children) yield* walk(child);
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding (error or warning) in either stack', () => {
    const report = new AwsSolutionsChecks().validateScope(built.app);
    const lines = report.violations.map((v) =>
      `${v.severity} ${v.ruleName}: ${v.description}\n  ${v.violatingResources.map((r) => r.constructPath).join('\n  ')}`);
    assert.deepEqual(lines, [], lines.join('\n'));
    assert.equal(report.success, true);
  });

  it('is registered on the app, so synthesis fails on a new finding', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'ycyw-nag-'));
    const fresh = buildApp({ context: { ...cdkJsonContext(), domainName: DOMAIN }, outdir });
    // A queue with neither DLQ nor TLS enforcement: AwsSolutions-SQS3 and SQS4.
    new sqs.Queue(fresh.application, 'NonCompliantQueue');
    const printError = console.error;
    console.error = () => {}; // the expected report would read like a real failure in the test log
    try {
      assert.throws(() => fresh.app.synth(), /Validation failed/);
    } finally {
      console.error = printError;
    }
    const report = readFileSync(path.join(outdir, 'validation-report.json'), 'utf8');
    assert.match(report, /AwsSolutions-SQS3/);
    assert.match(report, /YcywApp\/NonCompliantQueue/);
  });

  it('justifies every acknowledgement with a real reason', () => {
    let count = 0;
    for (const construct of walk(built.app)) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          if (!/AwsSolutions-/.test(id)) continue; // e.g. CDK's own CloudFormation-Validate acknowledgements
          count += 1;
          assert.ok(String(reason).length >= 60, `${construct.node.path}: ${id} needs a reason, got "${reason}"`);
        }
      }
    }
    assert.ok(count > 0);
  });

  it('acknowledges nothing at stack or app level (each on its own resource)', () => {
    for (const scope of [built.app, built.application, built.foundation]) {
      const ours = scope.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>))
        .filter((id) => /AwsSolutions-/.test(id));
      assert.deepEqual(ours, [], scope.node.path || 'app');
    }
  });
});
