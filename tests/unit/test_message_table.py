"""The one message table (services/gateway/messages_id.yaml) has a row for every refusal
code the code base can raise, and each code once: YAML would let a second row silently
replace the first, and a code without a row shows citizens the generic "invalid" text."""
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
TABLE = ROOT / "services" / "gateway" / "messages_id.yaml"
# code="x" keyword (never an error class's `code = "..."`: the error, not a field),
# problem("x", ...), "x-code": "x" in a schema
RAISED = re.compile(r"""\bcode=["']([a-z_]+)["']|\bproblem\(\s*["']([a-z_]+)["']"""
                    r"""|["']x-code["']\s*:\s*["']([a-z_]+)["']""")


def raised_codes():
    found = {}
    for path in (ROOT / "services").rglob("*.py"):
        for match in RAISED.finditer(path.read_text(encoding="utf-8")):
            code = next(group for group in match.groups() if group)
            found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_code_appears_once_in_the_table():
    rows = re.findall(r"^([a-z_]+):", TABLE.read_text(encoding="utf-8"), re.M)
    assert sorted({row for row in rows if rows.count(row) > 1}) == []


def test_every_raised_code_has_an_indonesian_text():
    table = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    missing = {code: where for code, where in raised_codes().items() if code not in table}
    assert missing == {}


def test_the_scan_sees_the_codes_it_is_meant_to_see():
    # the scan itself can fail: these are raised today in three different ways
    codes = raised_codes()
    assert {"too_long", "not_integer", "implausible_price"} <= set(codes)
