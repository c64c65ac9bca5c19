import ExcelJS from 'exceljs';
import type { Table } from './table';

/** MIME type of an Office Open XML workbook (.xlsx). */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `table` as an .xlsx workbook of one sheet named `sheetName` (cut to Excel's 31 characters, with
 * `[]:*?/\` replaced): the header row bold and frozen, numbers as numeric cells, text as text cells
 * (never formulas: a text `=1+1` stays text), null as an empty cell. Returns the file's bytes.
 */
export async function writeXlsx(table: Table, sheetName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Rogatory';
  const ws = wb.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet1', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(table.header).font = { bold: true };
  for (const row of table.rows) ws.addRow(row.map((c) => (c === null ? undefined : c)));
  ws.columns.forEach((col, i) => {
    const longest = Math.max(...[table.header[i], ...table.rows.map((r) => r[i])].map((c) => String(c ?? '').length));
    col.width = Math.min(Math.max(longest + 2, 8), 60);
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
