// A table whose cells carry citations (comparison answers, clause extraction): a cited cell is a button that
// opens its passage in the viewer, exactly like a citation in the list.
import type { Citation, Table } from "./api";

export function CitedTable({ table, citations, onCite, selected, label }: {
  table: Table;
  citations: Citation[];
  onCite: (c: Citation) => void;
  selected: Citation | null;
  label: string;
}) {
  const byKey = new Map(citations.map((c) => [c.key, c]));
  return (
    <div className="table-wrap">
      <table className="cited-table" data-testid="cited-table" aria-label={label}>
        <thead>
          <tr>{table.columns.map((c, i) => <th key={i} scope="col">{c}</th>)}</tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => {
                const c = cell.citation === null ? undefined : byKey.get(cell.citation);
                const text = cell.text || "—";
                return (
                  <td key={i} data-testid="table-cell" data-citation={c?.key ?? ""}>
                    {c ? (
                      <button type="button" className={`cell-cite${selected === c ? " selected" : ""}`}
                              onClick={() => onCite(c)}
                              aria-label={`${text}: show citation ${c.key}, ${c.document}, page ${c.page}`}>
                        {text} <span className="cell-key">[{c.key}]</span>
                      </button>
                    ) : text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The same CSV as `aiworks extract --format csv` (RFC 4180, CRLF, quoted only when needed): the first column,
 * then each field followed by its source column ("document p.N chars start-end"), so a spreadsheet keeps the
 * value apart from its reference. */
export function tableCsv(table: Table, citations: Citation[]): string {
  const byKey = new Map(citations.map((c) => [c.key, c]));
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = [table.columns[0], ...table.columns.slice(1).flatMap((col) => [col, `${col} (source)`])];
  const lines = [header.map(q).join(",")];
  for (const row of table.rows) {
    const fields = [row[0]?.text ?? ""];
    for (const cell of row.slice(1)) {
      const c = cell.citation === null ? undefined : byKey.get(cell.citation);
      fields.push(cell.text, c ? `${c.document} p.${c.page} chars ${c.start}-${c.end}` : "");
    }
    lines.push(fields.map(q).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
