"""The unit lane's harness: which runs start backing services, and how tests/unit/ is laid out."""
from pathlib import Path
from types import SimpleNamespace

from tests.conftest import needs_backing

ROOT = Path(__file__).resolve().parents[3]
UNIT = ROOT / "tests" / "unit"


def test_backing_services_start_only_for_a_test_outside_tests_unit():
    unit, kit = UNIT / "kit" / "test_nik.py", ROOT / "tests" / "kit" / "test_outbox.py"
    assert not needs_backing([])
    assert not needs_backing([SimpleNamespace(path=unit)])
    assert needs_backing([SimpleNamespace(path=unit), SimpleNamespace(path=kit)])
    assert needs_backing([SimpleNamespace(path=ROOT / "tests" / "unittest_like.py")])  # not under unit/


def test_every_folder_of_unit_tests_is_a_package():
    """As tests/<area>/ are: two areas' test_domain.py would otherwise collide on import."""
    folders = {p.parent for p in UNIT.rglob("test_*.py")} | {UNIT}
    assert not sorted(str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").is_file())
