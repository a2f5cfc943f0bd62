import * as ExcelJS from 'exceljs';
import { DEFINITIONS } from './definitions';
import { Column, SheetData } from './report-exports';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };

/** A cell value; `{ value, format }` carries its own number format (a rate among counts). */
type Cell = unknown;

function put(row: ExcelJS.Row, values: Cell[], columns: Column[]): void {
  values.forEach((v, i) => {
    const cell = row.getCell(i + 1);
    if (v && typeof v === 'object' && !(v instanceof Date) && 'value' in v) {
      const { value, format } = v as { value: unknown; format?: string };
      cell.value = value as ExcelJS.CellValue;
      if (format) cell.numFmt = format;
      return;
    }
    cell.value = (v ?? null) as ExcelJS.CellValue;
    const format = columns[i]?.format;
    if (format && v !== null && v !== undefined && v !== '') cell.numFmt = format;
  });
}

function table(ws: ExcelJS.Worksheet, columns: Column[], rows: Cell[][]): void {
  // Two header lines: Chinese, then English.
  for (const lang of ['zh', 'en'] as const) {
    const header = ws.addRow(columns.map((c) => c[lang]));
    header.font = { bold: lang === 'zh' };
    header.eachCell((cell) => (cell.fill = HEADER_FILL));
  }
  for (const r of rows) put(ws.addRow([]), r, columns);
}

/** The export's workbook: sheet 1 the report, sheet 2 "定义 Definitions" (each definition in Chinese and English). */
export async function reportWorkbook(sheet: SheetData, meta: { generatedAt: Date; scope: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Complaint platform';
  wb.created = meta.generatedAt;

  const ws = wb.addWorksheet('报表 Report', { views: [{ state: 'frozen', ySplit: 4 }] });
  const title = ws.addRow([sheet.title]);
  title.font = { bold: true, size: 13 };
  ws.addRow([`${meta.scope} · 生成时间 Generated ${meta.generatedAt.toISOString()}`]).font = { italic: true, color: { argb: 'FF5B6B7F' } };
  table(ws, sheet.columns, sheet.rows);
  for (const extra of sheet.extra ?? []) {
    ws.addRow([]);
    ws.addRow([extra.title]).font = { bold: true };
    table(ws, extra.columns, extra.rows);
  }
  const widest = Math.max(sheet.columns.length, ...(sheet.extra ?? []).map((e) => e.columns.length));
  for (let i = 1; i <= widest; i++) ws.getColumn(i).width = sheet.columns[i - 1]?.width ?? 14;

  const defs = wb.addWorksheet('定义 Definitions');
  const defColumns: Column[] = [
    { zh: '术语', en: 'Term (Chinese)', width: 16 }, { zh: 'Term', en: 'Term (English)', width: 26 },
    { zh: '定义', en: 'Definition (Chinese)', width: 60 }, { zh: 'Definition', en: 'Definition (English)', width: 80 },
  ];
  table(defs, defColumns, DEFINITIONS.map((d) => [d.zhTerm, d.enTerm, d.zh, d.en]));
  defColumns.forEach((c, i) => {
    const column = defs.getColumn(i + 1);
    column.width = c.width;
    column.alignment = { wrapText: true, vertical: 'top' };
  });

  return Buffer.from(await wb.xlsx.writeBuffer());
}
