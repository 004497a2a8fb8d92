document.documentElement.classList.add("js");
for (const box of document.querySelectorAll("input[data-family]")) {
  box.addEventListener("change", () => {
    document.body.classList.toggle("hide-" + box.dataset.family, !box.checked);
  });
}

// The all-pairs index: a click on a header sorts by that column, again to reverse.
function sortKey(cell) {
  const text = cell.dataset.key ?? cell.textContent.trim();
  const number = parseFloat(text);
  return /^-?\d/.test(text) && !/^\d{4}-\d\d-\d\d/.test(text) ? number : text;
}
for (const table of document.querySelectorAll("table.dyads")) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((head, column) => {
    head.addEventListener("click", () => {
      const up = head.getAttribute("aria-sort") !== "ascending";
      heads.forEach((h) => h.removeAttribute("aria-sort"));
      head.setAttribute("aria-sort", up ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return up ? order : -order;
      });
      body.append(...rows);
    });
  });
}

// A busy pair: "show all" turns the page's compact JSON into rows, once, on the first click.
function cell(label, className) {
  const td = document.createElement("td");
  td.dataset.label = label;
  if (className) td.className = className;
  return td;
}
function day(start, offset) {
  const [y, m, d] = start.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d) + offset * 86400000).toISOString().slice(0, 10);
}
for (const button of document.querySelectorAll("button.show-all")) {
  button.addEventListener("click", () => {
    const data = JSON.parse(document.getElementById(button.dataset.rows).textContent);
    const table = document.getElementById(button.dataset.table);
    const body = table.tBodies[0];
    let offset = 0, source = 0;
    for (const [days, type, actor, target, step, context] of data.rows) {
      offset += days;
      source += step;
      const [label, coding, family] = data.types[type];
      const row = document.createElement("tr");
      row.dataset.family = family;
      if (context) row.className = "context";
      row.append(cell("Date", "date"));
      row.lastChild.textContent = day(data.start, offset);
      const kind = cell("Type", "type");
      const swatch = document.createElement("span");
      swatch.className = "swatch swatch-" + family;
      const abbr = document.createElement("abbr");
      abbr.className = "kind";
      abbr.title = coding;
      abbr.textContent = label;
      kind.append(swatch, " ", abbr);
      if (context) kind.append(" (context)");
      row.append(kind, cell("Actor → target"));
      row.lastChild.textContent = data.parties[actor] + " → " + data.parties[target];
      const [name, anchor] = data.sources[source];
      const from = cell("What the article says");
      const link = document.createElement(anchor ? "a" : "span");
      if (anchor) link.href = "#" + anchor;
      link.className = "source";
      link.textContent = name;
      from.append(link);
      row.append(from);
      body.append(row);
    }
    table.hidden = false;
    button.hidden = true;
  }, { once: true });
}
