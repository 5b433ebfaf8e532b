"""A vacancy's salary per month, whatever unit it is posted in (search and matching
compare salaries by month)."""
from typing import Any

# schema.org QuantitativeValue.unitText values Google reads, and what each is per month.
SALARY_UNITS = {"HOUR": 173, "DAY": 22, "WEEK": 4.33, "MONTH": 1, "YEAR": 1 / 12}


def monthly(salary: dict[str, Any], bound: str = "max") -> int:
    return round(salary[bound] * SALARY_UNITS[salary["unit"]])
