/** One cell of an exported table: text, a number, or nothing (an empty cell; a suppressed or undefined figure). */
export type Cell = string | number | null;

/** A table to export (CSV, XLSX): a header row of column names and the data rows, each as long as the header. */
export interface Table {
  header: string[];
  rows: Cell[][];
}
