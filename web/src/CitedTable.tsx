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

/** RFC 4180 CSV of a table's text (quotes doubled, every field quoted), with each cell's page reference. */
export function tableCsv(table: Table, citations: Citation[]): string {
  const byKey = new Map(citations.map((c) => [c.key, c]));
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const lines = [table.columns.map(q).join(",")];
  for (const row of table.rows) {
    lines.push(row.map((cell) => {
      const c = cell.citation === null ? undefined : byKey.get(cell.citation);
      return q(c ? `${cell.text} [${c.document}, p. ${c.page}]` : cell.text);
    }).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
