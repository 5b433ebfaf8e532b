"""Every table of the console measured in headless Chromium, at a laptop's 1366 px and a
tablet's 768 px: a table is a table when

- the cells of one row share a top edge (a cell turned into a flex box or a block stacks
  its neighbours under one column: kinerja and the operator's regions looked like that);
- each header sits above its column: same left and right edge as the column's cells;
- a column whose cells are numbers (figures, rupiah, percentages, day counts) is aligned
  right, its header too;
- nothing leaves the page sideways: at 768 px a wide table scrolls in its own box; at
  1366 px every table fits, nothing to scroll.

Run by tests/console/test_console_tables.py as
`python -m tests.console.table_flows BASE_URL DATA_JSON`; DATA_JSON maps a role to
[username, password] and "pages" to {template: [role, path]}. Prints one JSON line
{"results": {check: null or the failure}, "sizes": {page: bytes}}.
"""
import json
import sys

from tests.console.browser_flows import run, sign_in

FLOWS = {}
SEEN = {}
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "tablet": {"width": 768, "height": 1024}}
# A number as the console writes one (Indonesian: 1.250 and 84,5): 12, Rp13.500, 84,5%,
# 1,25 hari kerja, HAP Rp36.500–Rp41.500, or "-" for none. A region code (36.71) is no number.
MEASURE = r"""(mustFit) => {
  const FIGURE = String.raw`(Rp\s?)?\d{1,3}(\.\d{3})*(,\d+)?`;  // 1.250 and 84,5, not a code like 36.71
  const NUMBER = new RegExp(String.raw`^(-|((HAP|HET)\s+)?${FIGURE}(\s?(%|hari kerja))?([–-]${FIGURE})?)$`);
  const problems = [];
  const box = el => el.getBoundingClientRect();
  const span = b => `${Math.round(b.left)}-${Math.round(b.right)}`;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const name = (t, i) => (t.id || t.closest('section,div.kartu')?.querySelector('h2')?.textContent
                          || t.caption?.textContent || 'tabel ' + i).trim().slice(0, 40);
  const right = el => ['right', 'end'].includes(getComputedStyle(el).textAlign);
  const visible = el => getComputedStyle(el).display !== 'none' && box(el).width > 0;
  let cells = 0;
  [...document.querySelectorAll('main table')].filter(visible).forEach((t, i) => {
    const label = name(t, i);
    const rows = [...t.querySelectorAll(':scope > tbody > tr, :scope > tr')];
    const columns = [];
    rows.forEach((r, n) => {
      const row = [...r.children].filter(visible);
      const tops = row.map(c => Math.round(box(c).top));
      if (Math.max(...tops) - Math.min(...tops) > 1)
        problems.push(`${label}: baris ${n + 1} bertumpuk (top ${tops.join(',')})`);
      if (row.some(c => c.colSpan > 1)) return;
      row.forEach((c, k) => { (columns[k] = columns[k] || []).push(c); cells += 1; });
    });
    const head = t.tHead ? [...t.tHead.rows].at(-1) : null;
    const heads = head ? [...head.children].filter(visible) : [];
    heads.forEach((h, k) => {
      const hb = box(h);
      (columns[k] || []).forEach((c, n) => {
        const cb = box(c);
        if (Math.abs(hb.left - cb.left) > 1 || Math.abs(hb.right - cb.right) > 1 || hb.bottom > cb.top + 1)
          problems.push(`${label}: kepala "${h.textContent.trim()}" tidak di atas kolomnya ` +
                        `(baris ${n + 1}: kepala ${span(hb)}, sel ${span(cb)})`);
      });
    });
    columns.forEach((col, k) => {
      if (col.some(c => c.querySelector('input,select,textarea,button'))) return;
      const texts = col.map(c => c.innerText.trim().replace(/\s+/g, ' ')).filter(x => x);
      const figures = texts.filter(x => x !== '-');
      if (!figures.length || !texts.every(x => NUMBER.test(x))) return;
      col.filter(c => !right(c)).slice(0, 1).forEach(c =>
        problems.push(`${label}: angka "${c.innerText.trim()}" (kolom ${k + 1}) tidak rata kanan`));
      if (heads[k] && !right(heads[k]))
        problems.push(`${label}: kepala angka "${heads[k].textContent.trim()}" tidak rata kanan`);
    });
    let scroller = t.parentElement;
    while (scroller && !scrolls(scroller)) scroller = scroller.parentElement;
    const limit = scroller ? box(scroller).right : document.documentElement.clientWidth;
    if ((!scroller || mustFit) && box(t).right > limit + 1)
      problems.push(`${label}: tabel ${mustFit ? 'harus digeser' : 'keluar layar'} ` +
                    `(${Math.round(box(t).right)} > ${Math.round(limit)})`);
  });
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)
    problems.push(`halaman bergeser ke samping (${document.documentElement.scrollWidth} px)`);
  return {problems, cells, tables: document.querySelectorAll('main table').length};
}"""


def open_page(page, base, path):
    """A console page by its path; "upload:" is the price import's report, the answer to a
    CSV upload on the price section (one row refused, so both of its tables have rows)."""
    if path == "upload:harga":
        page.goto(f"{base}/petugas/harga")
        page.set_input_files("#isian-berkas", files=[{
            "name": "harga.csv", "mimeType": "text/csv",
            "buffer": b"pasar,komoditas,tanggal,satuan,harga\npasar-malabar,bawang-merah,kemarin,kg,95000\n"
                      b"pasar-malabar,gula-pasir,kemarin,kg,1\n"}])
        page.click("button:has-text('Unggah dan impor')")
        return
    answer = page.goto(base + path)
    assert answer.status == 200, f"{path}: {answer.status}"
    SEEN[path] = len(answer.body())


def measure_every_table(viewport):
    def check(page, base, data):
        page.set_viewport_size(VIEWPORTS[viewport])
        found, by_role = {}, {}
        for template, role, path in data["pages"]:
            by_role.setdefault(role, []).append((template, path))
        for role, pages in by_role.items():
            page.context.clear_cookies()
            sign_in(page, base, data[role])
            for template, path in pages:
                open_page(page, base, path)
                report = page.evaluate(MEASURE, viewport == "laptop")
                if not report["tables"] or not (report["cells"] or template in data["may_be_empty"]):
                    found[f"{template} {path}"] = ["tidak ada tabel berisi untuk diukur"]
                elif report["problems"]:
                    found[f"{template} {path}"] = report["problems"][:8]
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    check.__name__ = f"tables_at_{viewport}"
    return check


for _viewport in VIEWPORTS:
    FLOWS[f"tables_at_{_viewport}"] = measure_every_table(_viewport)


def no_accessibility_pass(browser, base, data):
    """The axe pass is browser_flows' and section_flows' business; this module measures."""


if __name__ == "__main__":
    run(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:] or list(FLOWS), FLOWS, no_accessibility_pass,
        SEEN, client="198.51.100.245")
