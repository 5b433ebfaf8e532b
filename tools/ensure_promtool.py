"""The alert-rule tests need `promtool` (Debian package `prometheus`).

`ensure()` installs it with apt-get when it is missing and we are root, as
tools/ensure_chromium.py does for Chromium; otherwise it says what to run.
Run alone (`python -m tools.ensure_promtool`) it prints the path or the reason.
"""
import os
import shutil
import subprocess
import sys

PACKAGE = "prometheus"
HOW = f"sudo apt-get update && sudo apt-get install -y --no-install-recommends {PACKAGE}"


def ensure():
    """(path to promtool, None) or (None, why it is missing and how to get it)."""
    found = shutil.which("promtool")
    if found:
        return found, None
    if shutil.which("apt-get") is None:
        return None, "promtool is missing and this machine has no apt-get: install Prometheus' promtool"
    if os.geteuid() != 0:
        return None, f"promtool is missing and installing it needs root: {HOW}"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGE]
    if subprocess.run(command, env=env, capture_output=True).returncode != 0:
        # An old or empty package list: refresh it once and try again.
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False, capture_output=True)
        subprocess.run(command, env=env, check=False, capture_output=True)
    found = shutil.which("promtool")
    return (found, None) if found else (None, f"apt-get could not install {PACKAGE}; run: {HOW}")


def main():
    path, reason = ensure()
    print(path or reason, file=sys.stdout if path else sys.stderr)
    return 0 if path else 1


if __name__ == "__main__":
    sys.exit(main())
