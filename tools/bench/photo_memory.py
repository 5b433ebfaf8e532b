"""What decoding a report photo costs in memory: the peak RSS of a fresh process before
and after `gateway.photos.shrink` of each given photo.

The peak is the kernel's high-water mark of the process's own memory (VmHWM). Not
getrusage's ru_maxrss: Linux carries that over from the parent across fork and exec, so a
process started by a big one (pytest after making 40 MP test images) reads the parent's
peak and sees no growth at all.

    python -m tools.bench.photo_memory PHOTO...   prints {"grew_mib", "results": [{"refused", "seconds"}]}

`make bench` reports it for the costliest photos still taken (`costliest_accepted`), and
tests/unit/gateway/test_photos.py holds the same photos, and those just past them, to the limit.
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
LIMIT_MIB = 150  # what one photo may add to a gateway process (issue 25)
ORANGE = (200, 90, 10)


def costliest_accepted():
    """{name: (image, format, save options)}: each at the edge of what is taken, 40 MP or the
    decoding budget of its format (gateway/photos.py)."""
    return {"grey-40mp.png": (Image.new("L", (6324, 6324)), "PNG", {}),
            "rgb-24mp.png": (Image.new("RGB", (4896, 4896), ORANGE), "PNG", {}),
            "camera-40mp.jpg": (Image.new("RGB", (7740, 5160), ORANGE), "JPEG", {"quality": 85}),
            "progressive-15mp.jpg": (Image.new("RGB", (4800, 3200), ORANGE), "JPEG",
                                     {"progressive": True, "subsampling": 2}),
            "6mp.webp": (Image.new("RGB", (2440, 2440), ORANGE), "WEBP", {}),
            "palette-18mp.png": (Image.new("P", (4300, 4300)), "PNG", {})}


def saved(folder, photos):
    """Each of {name: (image, format, options)} saved in `folder`; their paths."""
    for name, (image, format, options) in photos.items():
        image.save(folder / name, format, **options)
    return [folder / name for name in photos]


def decoded_in_a_fresh_process(*paths):
    command = [sys.executable, "-W", "ignore", "-m", "tools.bench.photo_memory", *map(str, paths)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def figures():
    """The bench's figure: the peak growth over the costliest photos still taken."""
    with tempfile.TemporaryDirectory() as folder:
        measured = decoded_in_a_fresh_process(*saved(Path(folder), costliest_accepted()))
    assert not any(r["refused"] for r in measured["results"]), measured
    return [{"name": "costliest photo still taken: peak memory growth decoding it", "unit": "MiB",
             "ours": round(measured["grew_mib"], 1), "ceiling": LIMIT_MIB,
             "ratio": round(measured["grew_mib"] / LIMIT_MIB, 3), "better": "lower",
             "note": f"ceiling = the {LIMIT_MIB} MiB a photo may add (issue 25)"}]


def _peak_mib():
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024


def main(paths):
    from services.gateway.laksa.photos import PhotoRejected, shrink
    raws = [Path(path).read_bytes() for path in paths]
    before, results = _peak_mib(), []
    for raw in raws:
        started = time.perf_counter()
        try:
            shrink(raw)
            refused = None
        except PhotoRejected as exc:
            refused = str(exc)
        results.append({"refused": refused, "seconds": time.perf_counter() - started})
    print(json.dumps({"grew_mib": _peak_mib() - before, "results": results}))


if __name__ == "__main__":
    main(sys.argv[1:])
