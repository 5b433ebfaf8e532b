"""The region profile in the console (servicekit/region_profile.py): the region admin sets
its time zone, senders, working days and days off in "Admin wilayah"; the platform operator
a region's modules and brand in "Operator platform". Both go through the API's
`edit_profile` (the same authority rows and the same validation: every bad field named,
nothing changed)."""
from services.gateway.access.console import back, console
from services.gateway.regions.api import edit_profile
from services.gateway.web.errors import notice_text
from services.gateway.web.http import read_form
from services.servicekit.errors import ValidationFailed
from services.servicekit.region_profile import MODULES

LABELS = {"timezone": "Zona waktu", "senders.mail_from": "Pengirim e-mail",
          "senders.sms_sender": "Pengirim SMS",
          "working_days": "Hari kerja", "days_off": "Hari libur daerah", "modules": "Modul",
          "brand.name": "Nama merek", "brand.short_name": "Nama pendek", "brand.theme_color": "Warna tema",
          "brand.logo_url": "Alamat logo"}
REGION_FIELDS = {"csrf": 100, "timezone": 60, "mail_from": 254, "sms_sender": 11, "days_off": 8000}
OFFER_FIELDS = {"csrf": 100, "name": 60, "short_name": 15, "theme_color": 7, "logo_url": 500}


def _form(lengths, lists):
    properties = {name: {"type": "string", "maxLength": size} for name, size in lengths.items()}
    properties.update({name: {"type": "array", "maxItems": 7, "items": {"type": "string", "maxLength": 10}}
                       for name in lists})
    return {"type": "object", "properties": properties}


def _refusal(exc):
    """Every refused field in the officer's words ("Hari libur daerah 2: ...")."""
    labels = {}
    for name in exc.details.get("fields", {}):
        base, _, index = name.partition("[")
        shown = LABELS.get(base, base)
        labels[name] = f"{shown} {int(index.rstrip(']')) + 1}" if index else LABELS.get(name, name)
    return notice_text(exc, "profil", labels)


def days_off_from(text):
    """"2026-12-24 Cuti daerah" a line -> [{date, name}] (a line of only a date: its default name)."""
    days = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        day, _, name = line.partition(" ")
        days.append({"date": day, "name": name.strip()} if name.strip() else day)
    return days


def _working_days(values):
    try:
        return [int(v) for v in values]
    except ValueError:
        return list(values)  # the validation names it


class RegionProfileConsole:
    @console("POST", "/petugas/wilayah/profil", ("region_admin",),
             form=_form(REGION_FIELDS, ("working_days",)))
    def console_region_profile(self, request, officer):
        """The region admin's part of the profile: time zone, senders, working days, days off."""
        form = read_form(request)
        changes = {"senders": {"mail_from": (form.get("mail_from") or "").strip(),
                               "sms_sender": (form.get("sms_sender") or "").strip()},
                   "working_days": _working_days(form.get("working_days") or []),
                   "days_off": days_off_from(form.get("days_off") or "")}
        if (form.get("timezone") or "").strip():
            changes["timezone"] = form["timezone"].strip()
        try:
            edit_profile(officer.caller, officer.region, changes)
        except ValidationFailed as exc:
            return back("/petugas/wilayah", error=f"Profil belum disimpan: {_refusal(exc)}")
        return back("/petugas/wilayah", "Profil wilayah disimpan.")

    @console("POST", "/petugas/platform/wilayah/<string:code>/profil", ("platform_operator",),
             form=_form(OFFER_FIELDS, ("modules",)))
    def console_region_offer(self, request, officer, code):
        """The operator's part of a region's profile: its modules and brand."""
        form = read_form(request)
        brand = {k: (form.get(k) or "").strip() for k in ("name", "short_name", "theme_color", "logo_url")}
        changes = {"modules": [m for m in MODULES if m in (form.get("modules") or [])],
                   "brand": {k: v for k, v in brand.items() if v or k == "logo_url"}}
        try:
            edit_profile(officer.caller, code, changes)
        except ValidationFailed as exc:
            return back("/petugas/platform", error=f"Profil {code} belum disimpan: "
                                                   f"{_refusal(exc)}")
        return back("/petugas/platform", f"Modul dan merek {code} disimpan.")
