"""The side-by-side test needs the previous release's commit from the clone's own history:
a clone without it (a shallow CI checkout) fails naming the fix, it is never skipped."""
import subprocess

from services.servicekit.release import REPOSITORY, previous_release
from tests.compat.releases import missing_history


def test_this_clone_holds_the_recorded_release():
    release, commit = previous_release()
    assert missing_history(commit) is None, missing_history(commit)


def test_a_shallow_clone_is_told_to_fetch_the_history(tmp_path):
    _, commit = previous_release()
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-local", f"file://{REPOSITORY}", str(clone)],
                   check=True, capture_output=True)
    problem = missing_history(commit, repo=clone)
    assert problem is not None and commit in problem and "shallow" in problem and "--unshallow" in problem
