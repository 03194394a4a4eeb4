import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FUNCTIONS, IMAGES } from '../lib/services';
import { REPO_DIR } from './helpers';

const rustDockerfile = readFileSync(path.join(REPO_DIR, 'docker', 'rust.Dockerfile'), 'utf8');
const frontendDockerfile = readFileSync(path.join(REPO_DIR, 'docker', 'frontend.Dockerfile'), 'utf8');
const bake = readFileSync(path.join(REPO_DIR, 'docker', 'docker-bake.hcl'), 'utf8');

/** Build stages of a Dockerfile: `FROM … AS <name>`. */
function stages(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)\s*$/gim)].map((m) => m[1]);
}

/** Binary names of a crate: its `[[bin]]` names, else the package name when it has src/main.rs. */
function binariesOf(crateDir: string): string[] {
  const manifest = readFileSync(path.join(crateDir, 'Cargo.toml'), 'utf8');
  const sections = manifest.split(/^(?=\[)/m);
  const pkg = sections.find((s) => /^\[package\]/.test(s));
  const packageName = pkg?.match(/^name\s*=\s*"([^"]+)"/m)?.[1];
  const bins = sections.filter((s) => /^\[\[bin\]\]/.test(s)).map((s) => s.match(/^name\s*=\s*"([^"]+)"/m)?.[1] ?? packageName!);
  if (bins.length > 0) return bins;
  const autobins = existsSync(path.join(crateDir, 'src', 'main.rs')) ? [packageName!] : [];
  const extraBins = existsSync(path.join(crateDir, 'src', 'bin'))
    ? readdirSync(path.join(crateDir, 'src', 'bin')).filter((f) => f.endsWith('.rs')).map((f) => f.replace(/\.rs$/, ''))
    : [];
  return [...autobins, ...extraBins];
}

/** Crate directories that build the deployable binaries: functions/* and worker/. */
function binaryCrates(root = REPO_DIR): string[] {
  const functionsDir = path.join(root, 'functions');
  const crates = existsSync(functionsDir)
    ? readdirSync(functionsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(functionsDir, d.name))
    : [];
  crates.push(path.join(root, 'worker'));
  return crates.filter((dir) => existsSync(path.join(dir, 'Cargo.toml')));
}

describe('workspace binary discovery', () => {
  it('reads package names, [[bin]] sections and src/bin/*.rs', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ycyw-ws-'));
    const crate = (dir: string, manifest: string, files: string[]) => {
      mkdirSync(path.join(root, dir, 'src', 'bin'), { recursive: true });
      writeFileSync(path.join(root, dir, 'Cargo.toml'), manifest);
      for (const f of files) writeFileSync(path.join(root, dir, f), 'fn main() {}\n');
    };
    crate('functions/auth', '[package]\nname = "ycyw-auth"\nversion.workspace = true\n\n[dependencies]\nname = "x"\n', ['src/main.rs']);
    crate('functions/libonly', '[package]\nname = "ycyw-libonly"\n', ['src/lib.rs']);
    crate('worker', '[package]\nname = "ycyw-worker"\n\n[[bin]]\nname = "ycyw-worker"\npath = "src/main.rs"\n', ['src/main.rs']);
    crate('functions/tools', '[package]\nname = "ycyw-tools"\n', ['src/bin/ycyw-extra.rs']);
    assert.deepEqual(binaryCrates(root).flatMap(binariesOf).sort(), ['ycyw-auth', 'ycyw-extra', 'ycyw-worker']);
  });
});

describe('container images', () => {
  it('has an image target in docker/rust.Dockerfile for every binary of the Rust workspace', (t) => {
    const crates = binaryCrates();
    if (crates.length === 0) {
      t.skip('no functions/*/Cargo.toml nor worker/Cargo.toml in this checkout');
      return;
    }
    const targets = new Set(stages(rustDockerfile));
    const binaries = crates.flatMap(binariesOf);
    assert.ok(binaries.length > 0);
    for (const binary of binaries) {
      assert.ok(targets.has(binary), `docker/rust.Dockerfile has no target "${binary}"`);
      assert.match(rustDockerfile, new RegExp(`COPY --from=builder /out/${binary} /usr/local/bin/${binary}\\n`), `${binary} copied from the builder`);
      assert.match(rustDockerfile, new RegExp(`ENTRYPOINT \\["/usr/local/bin/${binary}"\\]`), `${binary} entrypoint`);
    }
  });

  it('knows the binaries the CDK app deploys (workspace crates present or not)', () => {
    const targets = new Set(stages(rustDockerfile));
    for (const name of [...FUNCTIONS.map((f) => f.binary), 'ycyw-worker', 'ycyw-api']) {
      assert.ok(targets.has(name), name);
    }
    assert.ok(stages(frontendDockerfile).includes('frontend'));
  });

  it('compiles the workspace in a single shared builder stage', () => {
    assert.equal((rustDockerfile.match(/cargo build/g) ?? []).length, 1);
    assert.match(rustDockerfile, /cargo build --release --locked/);
    assert.match(rustDockerfile, /--mount=type=cache,target=\/usr\/local\/cargo\/registry/);
  });

  it('runs every image as a non-root user with a health check', () => {
    for (const dockerfile of [rustDockerfile, frontendDockerfile]) {
      const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      assert.ok(users.length > 0 && users.every((u) => !/^(root|0)(:|$)/.test(u)), `USER ${users}`);
      assert.match(dockerfile, /^HEALTHCHECK .*\\\n\s+CMD \[.*\/health\/live"\]/m);
    }
  });

  it('builds and pushes every image the stacks deploy (docker-bake.hcl default group)', () => {
    const group = bake.match(/group "default" \{\s*targets = \[([^\]]*)\]/)?.[1] ?? '';
    const targets = [...group.matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
    assert.deepEqual(targets, [...IMAGES].sort());
    for (const image of IMAGES) {
      assert.match(bake, new RegExp(`tags\\s+= \\["\\$\\{REGISTRY\\}/\\$\\{PREFIX\\}/${image}:\\$\\{TAG\\}"\\]`), image);
    }
  });
});
