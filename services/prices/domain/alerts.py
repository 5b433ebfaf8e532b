"""Alert rules: which rules a reported price breaks, and the rows of a sheet that break one."""
from services.prices.domain.catalogue_model import Catalogue
from services.prices.domain.cells import Row
from services.prices.domain.price_math import gap_percent, previous_point
from services.prices.domain.references import Reference, reference_for, reference_rule


def alert_rules(price: int, previous: int | None, reference: Reference | None,
                rise_threshold: float) -> list[str]:
    """Which alert rules `price` breaks: its reference's rule (see reference_rule),
    or a rise since the previous report of more than `rise_threshold` percent."""
    rules = []
    verdict = reference_rule(price, reference)
    if verdict:
        rules.append(verdict)
    rise = gap_percent(price, previous)
    if rise is not None and rise > rise_threshold:
        rules.append("daily_rise")
    return rules


def row_alerts(rows: list[Row], known: dict[tuple[str, str], dict[str, int]], catalogue: Catalogue,
               region_code: str, rise_threshold: float
               ) -> list[tuple[Row, list[str], int | None, Reference | None]]:
    """(row, rules, previous, reference) for each row that breaks an alert rule.

    `known` is {(market, commodity): {date: price}} with the sheet's rows
    merged over what is stored, so previous reports come from either.
    """
    alerts = []
    for row in rows:
        series = known.get((row.market, row.commodity), {})
        _, previous = previous_point(series, row.date)
        reference = reference_for(catalogue.references, row.commodity, region_code, row.date)
        rules = alert_rules(row.price, previous, reference, rise_threshold)
        if rules:
            alerts.append((row, rules, previous, reference))
    return alerts
