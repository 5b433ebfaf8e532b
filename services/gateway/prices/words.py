"""How harga's pages word what the prices service decides: one wording per reference
status and per alert rule (the same words for the same case everywhere on the pages), and
the alerts folded into one summary by commodity."""
from typing import Any

# The prices service's reference statuses (domain/references.py STATUSES), in plain words.
# An HET is a ceiling; a HAP is a reference range (or one figure with 10% of slack above it).
STATUS_WORDS = {
    "above_het": "Melebihi HET",
    "within_het": "Wajar, tidak melebihi HET",
    "above_hap": "Di luar HAP, lebih mahal",
    "below_hap": "Di luar HAP, lebih murah",
    "within_hap": "Wajar, dalam HAP",
    "near_hap": "Wajar, sedikit lebih mahal dari HAP (toleransi 10%)",
}
# Alert rules (servicekit.contracts.prices RULE_LABELS' codes) in the same words as the statuses.
RULE_STATUS = {"above_het": "above_het", "above_reference": "above_hap", "below_reference": "below_hap"}
RULE_WORDS = {**{rule: STATUS_WORDS[status] for rule, status in RULE_STATUS.items()},
              "daily_rise": "Naik tajam sejak laporan sebelumnya"}
# The summary line's words per rule: "3 komoditas melebihi HET".
SUMMARY_WORDS = {"above_het": "melebihi HET", "above_reference": "di luar HAP (lebih mahal)",
                 "below_reference": "di luar HAP (lebih murah)", "daily_rise": "naik tajam"}
RULE_ORDER = ("above_het", "above_reference", "below_reference", "daily_rise")
# Fewer days of prices than this and a chart says it shows no trend yet.
TREND_MIN_DAYS = 7


def alert_groups(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The day's alerts by commodity: its name, unit, the rules any market broke (in
    RULE_ORDER) and the markets with their price, highest first."""
    groups: dict[str, dict[str, Any]] = {}
    for alert in alerts:
        group = groups.setdefault(alert["commodity"], {
            "commodity": alert["commodity"], "name": alert.get("commodity_name") or alert["commodity"],
            "unit": alert.get("unit"), "rules": set(), "markets": []})
        group["rules"].update(alert.get("rules") or ())
        group["markets"].append(alert)
    for group in groups.values():
        group["rules"] = [r for r in RULE_ORDER if r in group["rules"]] + sorted(
            r for r in group["rules"] if r not in RULE_ORDER)
        group["markets"].sort(key=lambda a: -a["price"])
    return sorted(groups.values(), key=lambda g: (RULE_ORDER.index(g["rules"][0])
                                                  if g["rules"][0] in RULE_ORDER else 9, g["name"]))


def alert_summary(groups: list[dict[str, Any]]) -> str:
    """"3 komoditas melebihi HET, 1 komoditas naik tajam": how many commodities broke each rule."""
    counts = {rule: sum(rule in g["rules"] for g in groups) for rule in RULE_ORDER}
    return ", ".join(f"{n} komoditas {SUMMARY_WORDS[rule]}" for rule, n in counts.items() if n)


def too_few_days(points: list) -> bool:
    return len(points) < TREND_MIN_DAYS
