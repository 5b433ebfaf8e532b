"""`make test` needs Debian's Chromium (and its driver) for the browser tests in tests/pages.

Installs `chromium` and `chromium-driver` with apt-get when they are missing and
we are root; otherwise says exactly what to run. Playwright drives this system
Chromium (`executable_path`); it never downloads a browser of its own.
"""
import os
import shutil
import subprocess
import sys

PACKAGES = ("chromium", "chromium-driver")
BINARIES = ("/usr/bin/chromium", "/usr/bin/chromedriver")
HOW = "sudo apt-get update && sudo apt-get install -y " + " ".join(PACKAGES)


def missing():
    return [path for path in BINARIES if not os.access(path, os.X_OK)]


def apt_install(packages=PACKAGES):
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if subprocess.run(command, env=env).returncode != 0:
        # An old or empty package list: refresh it once and try again.
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        subprocess.run(command, env=env, check=False)


def main():
    if not missing():
        return 0
    if shutil.which("apt-get") is None:
        print(f"The browser tests need Chromium at {', '.join(BINARIES)}, and this machine has no "
              "apt-get. Install Chromium and chromedriver with your system's package manager "
              "so that those paths exist.", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print(f"The browser tests need Debian's {' and '.join(PACKAGES)} (missing: "
              f"{', '.join(missing())}), and installing them needs root. Run:\n    {HOW}\n"
              "then `make test` again.", file=sys.stderr)
        return 1
    print(f"installing {' '.join(PACKAGES)} for the browser tests ...", flush=True)
    apt_install()
    if missing():
        print(f"apt-get could not install {' '.join(PACKAGES)} (still missing: {', '.join(missing())}). "
              f"Check the package sources and network, then run:\n    {HOW}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
