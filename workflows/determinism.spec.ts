import * as fs from 'fs';
import * as path from 'path';

// Workflow code runs in Temporal's deterministic sandbox and is replayed: it may import only the
// workflow SDK, pure domain code, its own shared contracts, and types. This walks every module the
// workflow bundle can reach and fails on anything that does I/O or reads the clock by itself.
const ROOT = path.join(__dirname, '..');
const ALLOWED_PACKAGES = ['@temporalio/workflow', '@temporalio/common'];
const FORBIDDEN_CALLS = [/\bnew Date\(\)/, /\bsetTimeout\(/, /\bprocess\.env\b/, /\bMath\.random\(/];

function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const src = fs.readFileSync(file, 'utf8');
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of src.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gms)) out.push({ spec: m[2], typeOnly: Boolean(m[1]) });
  for (const m of src.matchAll(/^export\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gms)) out.push({ spec: m[2], typeOnly: Boolean(m[1]) });
  return out;
}

function resolveLocal(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  throw new Error(`cannot resolve ${spec} from ${from}`);
}

function reachable(entry: string): { files: Set<string>; problems: string[] } {
  const files = new Set<string>();
  const problems: string[] = [];
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop() as string;
    if (files.has(file) || file.endsWith('.json')) continue;
    files.add(file);
    const rel = path.relative(ROOT, file);
    for (const { spec, typeOnly } of imports(file)) {
      if (typeOnly) continue;
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec);
        const targetRel = path.relative(ROOT, target);
        if (!targetRel.startsWith('libs/domain/') && !targetRel.startsWith('workflows/')) problems.push(`${rel} imports ${targetRel} (only libs/domain and workflows are allowed)`);
        queue.push(target);
      } else if (!ALLOWED_PACKAGES.includes(spec)) {
        problems.push(`${rel} imports package "${spec}"`);
      }
    }
    if (!file.endsWith('.spec.ts')) {
      const src = fs.readFileSync(file, 'utf8');
      for (const re of FORBIDDEN_CALLS) if (re.test(src)) problems.push(`${rel} uses ${re.source}`);
    }
  }
  return { files, problems };
}

describe('workflow determinism', () => {
  it('reaches only the workflow SDK, pure domain code and shared contracts from the workflow bundle', () => {
    const { files, problems } = reachable(path.join(ROOT, 'workflows', 'index.ts'));
    expect(problems).toEqual([]);
    expect([...files].map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(['workflows/complaint.workflow.ts', 'libs/domain/src/deadlines/deadline.util.ts']));
  });

  it('would notice a workflow that imports Node, TypeORM or the clock', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, 'workflows', '.tmp-'));
    try {
      const bad = path.join(dir, 'bad.workflow.ts');
      fs.writeFileSync(bad, "import * as fs from 'fs';\nimport { DataSource } from 'typeorm';\nexport const t = new Date();\n");
      expect(reachable(bad).problems).toEqual(expect.arrayContaining([expect.stringMatching(/package "fs"/), expect.stringMatching(/package "typeorm"/), expect.stringMatching(/new Date/)]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
