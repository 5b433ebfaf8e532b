"""Prices' published vocabulary: the alert rule codes and their labels."""
# Rule codes, with the words citizens and officers read.
RULE_LABELS = {
    "above_het": "di atas HET",
    "above_reference": "di atas acuan",
    "below_reference": "di bawah acuan",
    "daily_rise": "naik tajam",
}
