"""Which release this code is, and which releases are recorded in the repository.

A release is recorded in the repository itself, never in a git tag (a clone need not
carry tags): its CHANGELOG.md entry, a heading `## <X.Y.Z> (commit <sha>)`, names the
commit it was made from, and its contracts are copied to
`services/servicekit/contracts/history/<X.Y.Z>/`. RELEASE is what this tree says it is
(pyproject's version, the OpenAPI document's, the image tag and `GET /api/v1/version`
agree with it: tests/unit/kit/test_release.py).

Regions run N or N-1: `supported` says whether a release another region announced is
one of the two newest recorded releases (or this tree's own).
"""
import re
from functools import lru_cache
from pathlib import Path

from services.servicekit.envelope import CONTRACTS_DIR, contract, event_types

RELEASE = "0.3.0"
API = "v1"
REPOSITORY = Path(__file__).resolve().parents[2]
CHANGELOG = REPOSITORY / "CHANGELOG.md"
HISTORY_DIR = CONTRACTS_DIR / "history"
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
ENTRY = re.compile(r"^## ([0-9]+\.[0-9]+\.[0-9]+) \(commit ([0-9a-f]{40})\)", re.MULTILINE)


def semver(text: str) -> tuple[int, int, int]:
    found = SEMVER.match(text)
    if not found:
        raise ValueError(f"{text!r} is not a semantic version X.Y.Z")
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def contract_majors() -> dict[str, int]:
    """{event type: the major this release publishes} (`x-schema-version`)."""
    return {name: int(contract(name).get("x-schema-version", 1)) for name in event_types()}


@lru_cache(maxsize=1)
def recorded_releases() -> tuple[tuple[str, str], ...]:
    """((release, commit), ...) as CHANGELOG.md records them, newest first."""
    text = CHANGELOG.read_text() if CHANGELOG.is_file() else ""
    entries = sorted(ENTRY.findall(text), key=lambda entry: semver(entry[0]), reverse=True)
    return tuple(entries)


def previous_release() -> tuple[str, str] | None:
    """The newest recorded release (release, commit) this tree must stay compatible with."""
    releases = recorded_releases()
    return releases[0] if releases else None


def supported_window() -> list[str]:
    """The releases regions may run: N (the newest of this tree's release and the recorded
    ones) and N-1, newest first."""
    return sorted({RELEASE, *(name for name, _ in recorded_releases())}, key=semver, reverse=True)[:2]


def supported(release: str | None) -> bool:
    """Whether `release` is inside the supported window (N or N-1)."""
    if release is None or not SEMVER.match(release):
        return False
    return release in supported_window()


def version_document() -> dict[str, object]:
    """`GET /api/v1/version`: this release, its contracts' majors and the API's version."""
    return {"release": RELEASE, "contracts": contract_majors(), "api": API}
