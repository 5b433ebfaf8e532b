"""Two releases of this repository side by side: the previous recorded release checked out
from the clone's own history (a `git worktree`, never a tag: CHANGELOG.md names its commit,
servicekit/release.py reads it), and processes started from either tree with the shared
virtualenv (this interpreter), so each runs its own code on today's pinned libraries."""
import json
import os
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from services.servicekit import caller_keys
from services.servicekit.release import REPOSITORY, previous_release
from tests.helpers import wait_for
from tools.backing import die_with_parent, free_port

HEAD = REPOSITORY
PRODUCE = Path(__file__).resolve().parent / "produce.py"


def git(*args, check=True, repo=REPOSITORY):
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check)


def missing_history(commit, repo=REPOSITORY):
    """Why the recorded commit cannot be checked out here, or None. A shallow clone (CI
    checkouts often are: `--depth 1`) lacks it: that fails the run, never skips it."""
    if git("cat-file", "-e", f"{commit}^{{commit}}", check=False, repo=repo).returncode == 0:
        return None
    shallow = git("rev-parse", "--is-shallow-repository", check=False, repo=repo).stdout.strip() == "true"
    return (f"commit {commit} (the previous release, CHANGELOG.md) is not in this clone"
            + ("; the clone is shallow: fetch the full history (`git fetch --unshallow`, or "
               "`fetch-depth: 0` in CI) to run the side-by-side test" if shallow else ""))


@contextmanager
def previous_tree():
    """(release, path of its worktree), removed again afterwards."""
    recorded = previous_release()
    if recorded is None:
        pytest.fail("CHANGELOG.md records no release to stay compatible with")
    release, commit = recorded
    problem = missing_history(commit)
    if problem:
        pytest.fail(problem)
    path = Path(tempfile.mkdtemp(prefix=f"tl-release-{release}-")) / "tree"
    git("worktree", "add", "--detach", str(path), commit)
    try:
        yield release, path
    finally:
        git("worktree", "remove", "--force", str(path), check=False)
        git("worktree", "prune", check=False)


def tree_env(tree, env=None):
    return {**os.environ, **(env or {}), "PYTHONPATH": str(tree), "PYTHONUNBUFFERED": "1"}


class Gateway:
    """One tree's gateway (the hub's uplink relay runs in it), as `make run` starts it."""

    def __init__(self, tree, env, log):
        self.env = {**tree_env(tree, env), "GATEWAY_HTTP": f"127.0.0.1:{free_port()}",
                    "GATEWAY_OPS_HTTP": f"127.0.0.1:{free_port()}"}
        self.proc = subprocess.Popen([sys.executable, "-m", "services.platform.runner", "gateway"],
                                     cwd=tree, env=caller_keys.for_process("gateway", self.env),
                                     stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        ready = f"http://{self.env['GATEWAY_OPS_HTTP']}/health/ready"
        wait_for(lambda: self.proc.poll() is not None or self._ready(ready), 60, f"the gateway of {tree}")
        assert self.proc.poll() is None, f"the gateway of {tree} exited; see {log.name}"

    @staticmethod
    def _ready(url):
        try:
            return requests.get(url, timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        stop(self.proc)


def subscriber(tree, amqp_uri, queue, files, log):
    """One tree's partner subscriber on `queue`: hand-overs to files/out.jsonl, refusals
    to files/rejected.jsonl, handed-over ids in files/state (kept across restarts)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tools.partner_subscriber", "--amqp", amqp_uri, "--queue", queue,
         "--out", str(files / "out.jsonl"), "--state", str(files / "state"),
         "--rejected", str(files / "rejected.jsonl")],
        cwd=tree, env=tree_env(tree), stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def produce(tree, kind, amqp_uri, region, rounds):
    """The ids of the events `tree`'s own code made and published (produce.py)."""
    done = subprocess.run([sys.executable, str(PRODUCE), kind, amqp_uri, region, str(rounds)], cwd=tree,
                          env=tree_env(tree), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{tree} could not produce {kind} events: {done.stderr[-2000:]}"
    return json.loads(done.stdout.splitlines()[-1])


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
