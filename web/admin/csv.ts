/** A CSV file built in the browser (UTF-8 with a BOM so Excel reads the Chinese headers). */
export function downloadCsv(filename: string, header: string[], rows: (string | number | null)[][]): void {
  const cell = (value: string | number | null) => {
    let text = value === null ? '' : String(value);
    // Spreadsheet formula injection: a leading = + - @ is neutralised, as the server's export does.
    if (/^[=+\-@]/.test(text) && Number.isNaN(Number(text))) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const content = `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}`;
  const url = URL.createObjectURL(new Blob([content], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
