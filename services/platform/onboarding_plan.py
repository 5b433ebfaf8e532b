"""The onboarding plan's machinery: steps as data, each a (do, undo) pair, run in order;
a failure undoes what was made, the failing step's own part included, in reverse order.

A step's `do` records in the run what it found before and what it made, so its `undo`
removes only that (and a step that failed half-way is undone as far as it went). An
undo that fails too is named in the refusal (`left`): running the same onboarding
again completes it, every step being idempotent.
"""
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.servicekit.errors import DomainError, Unavailable

log = logging.getLogger(__name__)


@dataclass
class Run:
    """One onboarding (or purge) run: its input, its ports, what it found and made."""
    code: str
    ports: Any  # the run's profile and ports (broker, catalogue, accounts), per plan
    fresh: bool = False  # the region is new, or left half-made by an unfinished run
    before: dict[str, Any] = field(default_factory=dict)  # what each step found
    made: dict[str, Any] = field(default_factory=dict)  # what each step made
    results: dict[str, Any] = field(default_factory=dict)  # what each step answers
    secrets: dict[str, str] = field(default_factory=dict)  # shown once, after the last step


@dataclass(frozen=True)
class Step:
    """One row of a plan. A disabled step (`enabled=False`) is a slot: it is listed, with
    its note, in the answer, and does nothing until it is wired."""
    name: str
    do: Callable[[Run], Any]
    undo: Callable[[Run], None]
    enabled: bool = True
    note: str = ""


def run_plan(steps: Sequence[Step], run: Run) -> list[str]:
    """Do each enabled step; on a failure undo them all in reverse and raise the failure,
    its details naming the step, what was undone and what is left. Returns the steps done."""
    started: list[Step] = []
    for step in steps:
        if not step.enabled:
            continue
        started.append(step)  # before `do`: a step that fails half-way is undone too
        try:
            run.results[step.name] = step.do(run)
        except Exception as exc:  # noqa: BLE001 - any failure undoes the run, then is raised
            raise _stopped(exc, step.name, *undo_all(started, run)) from exc
    return [s.name for s in started]


def undo_all(started: Sequence[Step], run: Run) -> tuple[list[str], list[str]]:
    """Undo `started` in reverse order: (undone, left as they were because undo failed)."""
    undone, left = [], []
    for step in reversed(started):
        try:
            step.undo(run)
            undone.append(step.name)
        except Exception as exc:  # noqa: BLE001 - go on undoing the rest; report what is left
            log.warning("onboarding %s: undoing %s failed (%s)", run.code, step.name, exc)
            left.append(step.name)
    return undone, left


def _stopped(exc: Exception, step: str, undone: list[str], left: list[str]) -> DomainError:
    """The failure as the DomainError it is (a refusal stays a refusal, 400; anything else
    is Unavailable), its details saying where it stopped and what was undone."""
    where = {"step": step, "undone": undone, "left": left}
    said = f"onboarding stopped at {step}; undone: {', '.join(undone) or 'nothing'}"
    if left:
        said += f"; left: {', '.join(left)} (run the same onboarding again to complete it)"
    if isinstance(exc, DomainError):
        exc.details.update(onboarding=where)
        exc.message = f"{exc.message} ({said})"
        exc.args = (exc.message, exc.details)
        return exc
    return Unavailable(f"{said} ({type(exc).__name__}: {exc})", {"onboarding": where})
