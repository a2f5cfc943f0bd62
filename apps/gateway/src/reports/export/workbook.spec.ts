import * as ExcelJS from 'exceljs';
import { DEFINITIONS } from './definitions';
import { consoleSettings } from './console-static';
import { REPORT_EXPORTS } from './report-exports';
import { reportWorkbook } from './workbook';

const texts = (ws: ExcelJS.Worksheet): string[][] => {
  const rows: string[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : String(v ?? '')))));
  return rows;
};

describe('report workbooks', () => {
  const review = {
    r: {
      quarter: '2026-Q4',
      figures: { received: 2, valid: 2, resolved: 1, processingRate: 0.5, byCategory: { PROPERTY_MANAGEMENT: { received: 2, resolved: 1, processingRate: 0.5, satisfactionRate: 0 } }, bySeverity: {}, from: '2026-09-30T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z', timeZone: 'Asia/Shanghai' },
      items: [{
        complaint: { reference: 'GZ01-2026-000007', severity: 'MAJOR', status: 'DISPATCHED', category: 'PROPERTY_MANAGEMENT', receivedAt: '2026-11-02T02:00:00.000Z' },
        peakSeverity: 'MAJOR', ageDays: 3, escalationStatus: 'OPEN', escalations: 2, specialReportSubmitted: false, month: '2026-11', branch: { code: 'GZ01', name: 'Pearl River Gardens' },
      }],
    },
  };

  it('sheet 1 is the report with Chinese and English headers; sheet 2 the definitions in both languages', async () => {
    const sheet = REPORT_EXPORTS['escalation-review'].sheet(review, { quarter: '2026-Q4' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await reportWorkbook(sheet, { generatedAt: new Date('2026-11-05T00:00:00Z'), scope: 'quarter=2026-Q4' }) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['报表 Report', '定义 Definitions']);
    const report = texts(wb.worksheets[0]);
    expect(report[0][0]).toContain('季度升级复盘 Quarterly escalation review 2026-Q4');
    expect(report[2].slice(0, 2)).toEqual(['编号', '分公司编码']);
    expect(report[3].slice(0, 2)).toEqual(['Reference', 'Branch code']);
    expect(report[4].slice(0, 6)).toEqual(['GZ01-2026-000007', 'GZ01', 'Pearl River Gardens', '2026-11', 'MAJOR', 'MAJOR']);
    // The quarter's figures below the list, a rate formatted as a percentage.
    const processing = wb.worksheets[0].getRows(1, wb.worksheets[0].rowCount)!.find((r) => r.getCell(1).value === '处理率')!;
    expect(processing.getCell(3).value).toBe(0.5);
    expect(processing.getCell(3).numFmt).toBe('0.0%');

    const definitions = texts(wb.worksheets[1]);
    expect(definitions[0]).toEqual(['术语', 'Term', '定义', 'Definition']);
    expect(definitions.slice(2)).toHaveLength(DEFINITIONS.length);
    for (const row of definitions.slice(2)) for (const cell of row) expect(cell.length).toBeGreaterThan(0);
    expect(definitions.map((r) => r[1])).toEqual(expect.arrayContaining(['Processing rate', 'Timeliness rate', 'Callback rate', 'Satisfaction rate', 'Closure rate', 'Reopen rate', 'First-time-fix rate']));
  });

  it('every report names its parameters, and each required one is a period-like parameter', () => {
    expect(Object.keys(REPORT_EXPORTS).sort()).toEqual(['daily', 'escalation-review', 'monthly', 'overdue', 'ranking', 'specialist', 'stage-times']);
    for (const spec of Object.values(REPORT_EXPORTS)) {
      for (const [name, required] of Object.entries(spec.params)) if (required) expect(['period', 'month', 'date', 'quarter']).toContain(name);
    }
  });
});

describe('console settings', () => {
  it('advertises the group\'s identity provider, never the platform operator\'s', () => {
    expect(consoleSettings({ identityProviders: [] } as never)).toEqual({ graphqlPath: '/graphql', oidcIssuer: null });
    expect(consoleSettings({
      identityProviders: [
        { issuer: 'https://ops.example.com', jwksUrl: 'https://ops.example.com/jwks', audience: 'cp', platformOperator: true },
        { issuer: 'https://sso.group.example.com', jwksUrl: 'https://sso.group.example.com/jwks', audience: 'cp', tenantId: '7d1c6c8e-9d0b-4d5b-8a61-3f0a0c2b9e11' },
      ],
    } as never)).toEqual({ graphqlPath: '/graphql', oidcIssuer: 'https://sso.group.example.com' });
  });
});
