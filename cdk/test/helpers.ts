import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, YcywApp } from '../lib/app';

/** cdk/ (tests run from cdk/build/test/). */
export const CDK_DIR = path.resolve(__dirname, '..', '..');
/** The repository root. */
export const REPO_DIR = path.resolve(CDK_DIR, '..');

export const DOMAIN = 'app.ycyw.test';

/** The context of cdk.json (feature flags included), so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(CDK_DIR, 'cdk.json'), 'utf8')).context;
}

export interface Synthesized extends YcywApp {
  readonly appTemplate: Template;
  readonly foundationTemplate: Template;
}

/**
 * Builds the CDK app with cdk.json's context plus `context`, cdk-nag included (an
 * unacknowledged finding throws here). CloudFormation schema validation is left to the
 * `cdk synth` run of scripts/test-cdk, where it runs once instead of once per test file.
 */
export function synth(context: Record<string, unknown> = {}): Synthesized {
  process.env.CDK_VALIDATION = 'false';
  const built = buildApp({
    context: { ...cdkJsonContext(), domainName: DOMAIN, imageTag: 'abc1234', ...context },
    outdir: mkdtempSync(path.join(tmpdir(), 'ycyw-cdk-test-')),
  });
  return {
    ...built,
    appTemplate: Template.fromStack(built.application),
    foundationTemplate: Template.fromStack(built.foundation),
  };
}

export type Resources = Record<string, { Type: string; Properties?: any; DependsOn?: unknown; Metadata?: any }>;

/** Logical id of the single resource of `type` whose properties satisfy `pick`. */
export function logicalIdOf(template: Template, type: string, pick: (props: any) => boolean): string {
  const found = Object.entries(template.findResources(type) as Resources).filter(([, r]) => pick(r.Properties ?? {}));
  if (found.length !== 1) {
    throw new Error(`expected one ${type} matching, found ${found.length}`);
  }
  return found[0][0];
}

/** `{ Ref: id }` or `{ 'Fn::GetAtt': [id, …] }` → id. */
export function refId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') return value.Ref;
    if (Array.isArray(value['Fn::GetAtt'])) return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/** Every statement of the IAM policies attached to the role with logical id `roleId`. */
export function statementsOfRole(template: Template, roleId: string): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources)
    .filter((p) => (p.Properties.Roles as any[]).some((r) => refId(r) === roleId));
  const inline = (template.findResources('AWS::IAM::Role') as Resources)[roleId]?.Properties?.Policies ?? [];
  return [
    ...policies.flatMap((p) => p.Properties.PolicyDocument.Statement),
    ...inline.flatMap((p: any) => p.PolicyDocument.Statement),
  ];
}

export function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * ALB path-pattern matching: case-sensitive, `*` = any characters (including `/`),
 * `?` = exactly one character, and the whole path must match.
 */
export function albPathMatches(pattern: string, requestPath: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(requestPath);
}
