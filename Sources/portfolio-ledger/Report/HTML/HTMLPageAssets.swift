/// The page's stylesheet and its one script, inlined so the page needs no other file and no network.
enum HTMLPageAssets {
    static let css = """
        :root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; --accent: #0969da; --bad: #d1242f; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
        header.top { padding: 14px 24px; border-bottom: 1px solid var(--line); background: var(--band); }
        header.top h1 { margin: 0; font-size: 20px; }
        header.top p { margin: 2px 0 0; color: var(--muted); }
        nav { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 8px 24px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: #fff; z-index: 1; }
        nav a { color: var(--accent); text-decoration: none; }
        main { padding: 0 24px 24px; max-width: 1280px; }
        section { border-bottom: 1px solid var(--line); padding-bottom: 12px; }
        h2 { font-size: 18px; margin: 22px 0 8px; }
        h3 { font-size: 16px; margin: 18px 0 6px; }
        h4 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
        h5 { font-size: 12px; margin: 10px 0 4px; color: var(--muted); font-family: ui-monospace, monospace; }
        .figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
        .figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 150px; }
        .figure .label { color: var(--muted); font-size: 12px; }
        .figure div[data-path] { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
        table { border-collapse: collapse; margin: 4px 0 10px; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
        thead th { background: var(--band); position: sticky; top: 0; }
        table.kv th { background: var(--band); font-weight: 500; white-space: nowrap; }
        td.num { text-align: right; white-space: nowrap; }
        table.sortable thead th { cursor: pointer; user-select: none; min-width: 5em; vertical-align: bottom; }
        tbody th { white-space: nowrap; }
        table.sortable thead th[aria-sort="ascending"]::after { content: " ▲"; }
        table.sortable thead th[aria-sort="descending"]::after { content: " ▼"; }
        .wide { overflow-x: auto; max-width: 100%; }
        .tall { max-height: 26em; overflow-y: auto; border-bottom: 1px solid var(--line); }
        .chart svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
        .problem { color: var(--bad); font-weight: 600; }
        .source { color: var(--muted); font-size: 12px; font-family: ui-monospace, monospace; word-break: break-all; }
        .none { color: var(--muted); }
        footer { padding: 12px 24px; color: var(--muted); font-size: 12px; }
        footer table { font-size: 12px; }
        @media print {
          nav, .source { display: none; }
          body { font-size: 10px; }
          main { max-width: none; padding: 0; }
          .wide, .tall { max-height: none; overflow: visible; }
          section { break-before: page; border: 0; }
          section#overview { break-before: auto; }
          table, .chart, .figure { break-inside: avoid; }
          thead th { position: static; }
          table.sortable thead th::after { content: "" !important; }
        }
        """

    /// Sorting without a framework: a click (or Enter) on a header sorts the rows by that column,
    /// numerically when every value in it is a number, by text otherwise; again reverses.
    static let script = """
        (function () {
          function key(cell) {
            if (!cell) return "";
            return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
          }
          function sortBy(table, column, th) {
            var body = table.tBodies[0];
            var rows = Array.prototype.slice.call(body.rows);
            var values = rows.map(function (row) { return key(row.cells[column]); });
            var numeric = values.every(function (v) { return v === "" || !isNaN(Number(v)); });
            var ascending = th.getAttribute("aria-sort") !== "ascending";
            var order = rows.map(function (row, i) { return { row: row, value: values[i], index: i }; });
            order.sort(function (a, b) {
              var x = a.value, y = b.value, c;
              if (numeric) {
                if (x === "" || y === "") c = (x === "") - (y === "");
                else c = Number(x) - Number(y);
              } else c = x < y ? -1 : x > y ? 1 : 0;
              if (c === 0) c = a.index - b.index;
              return ascending ? c : -c;
            });
            Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
            order.forEach(function (o) { body.appendChild(o.row); });
          }
          Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
            Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
              th.addEventListener("click", function () { sortBy(table, column, th); });
              th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(table, column, th); });
            });
          });
        })();
        """
}
