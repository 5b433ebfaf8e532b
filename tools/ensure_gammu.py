"""SMS reports and SMS notifications run through Debian's Gammu SMSD (`gammu-smsd`).

Installs it with apt-get when missing and we are root (as tools/ensure_chromium.py
does for the browser); otherwise says what to run. Without it the SMS tests skip
with that reason and `make run` starts without SMS.
"""
import os
import shutil
import sys

from tools.ensure_chromium import apt_install

PACKAGES = ("gammu-smsd",)
HOW = "sudo apt-get update && sudo apt-get install -y gammu-smsd"


def missing():
    return [name for name in ("gammu-smsd", "gammu-smsd-inject") if shutil.which(name) is None]


def main():
    if not missing():
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"SMS tests need Debian's gammu-smsd (missing: {', '.join(missing())}). Run:\n    {HOW}",
              file=sys.stderr)
        return 1
    print("installing gammu-smsd for the SMS tests ...", flush=True)
    apt_install(PACKAGES)
    return 1 if missing() else 0


if __name__ == "__main__":
    sys.exit(main())
