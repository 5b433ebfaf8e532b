"""`make test` needs axe-core (pinned in tests/a11y/package-lock.json) for the console's
accessibility checks: `npm ci` it when missing; without npm, say what to install."""
import shutil
import subprocess
import sys
from pathlib import Path

DIR = Path(__file__).resolve().parent.parent / "tests" / "a11y"
AXE = DIR / "node_modules" / "axe-core" / "axe.min.js"


def main():
    if AXE.exists():
        return 0
    if shutil.which("npm") is None:
        print("The accessibility tests need axe-core from npm, and this machine has no npm. Install "
              "Node.js (Debian: sudo apt-get install -y npm), then run: npm ci --prefix tests/a11y",
              file=sys.stderr)
        return 1
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(DIR)])
    return 0 if done.returncode == 0 and AXE.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
