"""Console section "Kinerja": the month's LAKSA figures per OPD and per officer for a
region admin, per region for the platform operator, on a page and as CSV.
The figures are computed by the aspirasi service (aspirasi/kinerja.py says how).
"""
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Response

from services.gateway.access.console import console, console_page
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy

ROLES = ("region_admin", "platform_operator")
QUERY = {"month": {"type": "string", "example": "2026-11"}}
COLUMNS = (("received", "Diterima"), ("resolved", "Selesai"), ("resolved_on_time", "Selesai tepat waktu"),
           ("share_on_time", "Porsi tepat waktu"),
           ("median_working_days_to_verify", "Median sampai verifikasi"),
           ("median_working_days_to_resolve", "Median sampai selesai"),
           ("backlog", "Belum selesai"), ("overdue", "Lewat tenggat"))


def _month(request, officer):
    chosen = (request.args.get("month") or "").strip()
    if chosen:
        return chosen
    return datetime.now(ZoneInfo(get_region(officer.region).timezone)).strftime("%Y-%m")


def _figures(self, officer, month):
    if officer.role == "platform_operator":
        return {"month": month, "by_region": officer.call(self.aspirasi.kinerja_regions, month)}
    return officer.call(self.aspirasi.kinerja, officer.region, month)


def _rows(report):
    """(group, name, figures) rows of a report, as the CSV and the page list them."""
    if "by_region" in report:
        return [("wilayah", code, figures) for code, figures in report["by_region"].items()]
    return ([("wilayah", "Semua OPD", report["total"])]
            + [("opd", name, figures) for name, figures in report["by_opd"].items()]
            + [("petugas", name, figures) for name, figures in report["by_officer"].items()])


class KinerjaConsole:
    aspirasi = RpcProxy("aspirasi")

    @console("GET", "/petugas/kinerja", ROLES, query=QUERY)
    def console_kinerja(self, request, officer):
        """The month's figures (default: this month in the region's time)."""
        month = _month(request, officer)
        try:
            report = _figures(self, officer, month)
        except ValidationFailed:
            return console_page("console/galat.html", officer, 400, title="Bulan tidak valid",
                                message="Tulis bulan sebagai TTTT-BB, misalnya 2026-11.")
        return console_page("console/kinerja.html", officer, active="kinerja", month=month,
                            rows=_rows(report), columns=COLUMNS)

    @console("GET", "/petugas/kinerja.csv", ROLES, query=QUERY, statuses=(400,),
             response_type=("text/csv",))
    def console_kinerja_csv(self, request, officer):
        """The same figures as CSV (UTF-8, comma-separated, one row per group)."""
        month = _month(request, officer)
        report = _figures(self, officer, month)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["bulan", "kelompok", "nama", *(key for key, _ in COLUMNS)])
        for group, name, figures in _rows(report):
            writer.writerow([month, group, name,
                             *("" if figures[k] is None else figures[k] for k, _ in COLUMNS)])
        scope = "semua-wilayah" if officer.role == "platform_operator" else officer.region
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="kinerja-{scope}-{month}.csv"'})
