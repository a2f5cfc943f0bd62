import { execFile } from 'child_process';
import http from 'http';
import type { AddressInfo } from 'net';
import { checkToken } from '../../apps/gateway/src/auth/jwt.util';
import type { DemoTenant } from '../demo/seed';
import { plain } from '../infra/output';
import type { RuntimeFacts } from '../runtime-config';
import { DEMO_QUERY, bannerLines, printBanner } from './banner';

const TENANT = '0b6f3c1e-5a2d-4c7e-9f10-00000000b001';
const HEAD_OFFICE = '0b6f3c1e-5a2d-4c7e-9f10-00000000b002';
const SECRET = 'banner-test-secret-banner-test-secret';

const facts = (over: Partial<RuntimeFacts> = {}): RuntimeFacts => ({
  databaseUrl: 'postgres://postgres:s3cret@127.0.0.1:54329/complaints',
  embeddedPostgres: true,
  temporalAddress: '127.0.0.1:7233',
  temporalNamespace: 'default',
  graphqlUrl: 'http://127.0.0.1:4000/graphql',
  temporalUiUrl: 'http://127.0.0.1:8233',
  jwtSecretSource: 'dev-file',
  pid: 1,
  startedAt: '2026-01-05T08:00:00.000Z',
  ...over,
});

const demo: DemoTenant = {
  version: 1, complete: true, tenantId: TENANT, tenantName: 'Harbour View Property Group', policyPreset: 'pm-branch', seededAt: '2026-01-05T08:00:00.000Z',
  companies: {}, branches: {}, complaints: {},
  users: {
    headOffice: { id: HEAD_OFFICE, name: 'Harbour View Coordination Centre', role: 'HEAD_OFFICE', scope: 'group' },
    dispatcherGZ01: { id: '0b6f3c1e-5a2d-4c7e-9f10-00000000b003', name: 'Dispatcher GZ01', role: 'DISPATCHER', scope: 'GZ01' },
  },
};

const curlLine = (lines: string[]): string => {
  const found = lines.find((l) => l.trim().startsWith('curl '));
  if (!found) throw new Error(`no curl in the banner:\n${lines.join('\n')}`);
  return found.trim();
};

describe('the npm start banner', () => {
  it('names every address, hides the database password and lists the demo users', () => {
    const text = bannerLines({ facts: facts(), demo, seeded: true, headOfficeToken: 'TOKEN', seconds: 41.6 }, plain).join('\n');
    expect(text).toContain('Complaint platform is running (ready in 42 s) — Ctrl-C stops everything');
    expect(text).toContain('GraphQL       http://127.0.0.1:4000/graphql   (GraphiQL: http://127.0.0.1:4000/graphiql)');
    expect(text).toContain('Temporal UI   http://127.0.0.1:8233');
    expect(text).toContain('Temporal      127.0.0.1:7233 (namespace default)');
    expect(text).toContain('Database      postgres://postgres:***@127.0.0.1:54329/complaints');
    expect(text).not.toContain('s3cret');
    expect(text).toContain(`Demo tenant   Harbour View Property Group (${TENANT}) — seeded just now; details in .data/demo.json`);
    expect(text).toContain('Head-office token (Harbour View Coordination Centre, valid 12 h):\n  TOKEN');
    expect(text).toMatch(/ {4}DISPATCHER {7}GZ01 {7}Dispatcher GZ01 +0b6f3c1e-5a2d-4c7e-9f10-00000000b003/);
  });

  it('says when the demo was reused, when Temporal is external, and what to do without a demo', () => {
    const reused = bannerLines({ facts: facts({ temporalUiUrl: null }), demo, seeded: false, headOfficeToken: 'T', seconds: 3 }, plain).join('\n');
    expect(reused).toContain('reused (already seeded)');
    expect(reused).toContain('Temporal UI   (external Temporal: set TEMPORAL_UI_URL to show it here)');
    const none = bannerLines({ facts: facts(), seeded: false, seconds: 3 }, plain).join('\n');
    expect(none).toContain('No demo tenant. A platform-admin token: npm run --silent token -- --platform-admin');
    expect(none).not.toContain('curl');
  });

  it('prints a curl that a shell runs as is: the demo query, JSON, and a head-office token valid for the secret', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        res.end('{"data":{"complaints":{"totalCount":0,"edges":[]}}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const graphqlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const printed: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    try {
      printBanner({ facts: facts({ graphqlUrl }), demo, seeded: true, jwtSecret: SECRET, seconds: 1 });
    } finally {
      stdout.mockRestore();
    }
    const curl = curlLine(printed.join('').replace(/\x1b\[[0-9;]*m/g, '').split('\n'));
    const output = await new Promise<string>((resolve, reject) =>
      execFile('/bin/sh', ['-c', curl], (err, out) => (err ? reject(err) : resolve(out))),
    ).finally(() => new Promise((resolve) => server.close(resolve)));

    expect(JSON.parse(output)).toEqual({ data: { complaints: { totalCount: 0, edges: [] } } });
    expect(received).toHaveLength(1);
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0].body)).toEqual({ query: DEMO_QUERY });
    const token = /^Bearer (.+)$/.exec(String(received[0].headers.authorization))?.[1] ?? '';
    const check = checkToken(token, SECRET);
    expect(check).toMatchObject({ ok: true, claims: { sub: HEAD_OFFICE, tid: TENANT } });
    expect(checkToken(token, 'another-secret-another-secret-another').ok).toBe(false);
  });
});
