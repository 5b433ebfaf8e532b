"""`make mutate`: mutmut over the rule modules, on the unit lane, and one score.

The rule modules are listed once, in pyproject.toml's [tool.mutmut] only_mutate; mutmut
runs tests/unit alone (no broker, no store). This prints killed and survived per module,
then `mutation score: 0.93 (412 of 443 killed, 12 equivalent)`: killed over the mutants that
are not equivalent. An equivalent survivor (no behaviour can tell it from the original) is
named in tools/mutation_equivalents.txt with a one-line reason; a named mutant that gets
killed is reported too, so the file cannot go stale quietly. A timeout counts as killed
(the mutant changed behaviour: the tests noticed it never finishes). `--module PATH` mutates
that one module only (iterating on one module costs a minute, not the lane's ten).
Exit status 1 when the score or any module is below GOAL.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tools" / "mutation_equivalents.txt"
GOAL = 0.90
KILLED = {"killed", "timeout"}
# The unit lane's environment: URIs that point nowhere, and no eventlet monkey-patching in
# mutmut's own process (its timeout thread cannot wait on a green lock).
UNIT_ENV = {"AMQP_URI": "amqp://x:y@127.0.0.1:1/", "MONGO_URI": "mongodb://127.0.0.1:1/",
            "TL_NO_MONKEY_PATCH": "1"}
# services.aspirasi.domain.lifecycle.x_transition__mutmut_2 or ...xǁClassǁmethod__mutmut_3
MUTANT = re.compile(r"^\s*(?P<name>(?P<module>[\w.]+?)\.xǁ?\S*__mutmut_\d+): (?P<status>.+)$")


def listed_modules():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return [path.removesuffix(".py").replace("/", ".") for path in config["only_mutate"]]


def equivalents():
    """{mutant name: reason}; every entry must carry its reason."""
    named = {}
    for number, line in enumerate(EQUIVALENTS.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{EQUIVALENTS.name}:{number}: {name} has no reason")
        named[name] = reason.strip()
    return named


def fresh_copy(modules):
    """mutmut regenerates only the files that changed since its copy in mutants/: a module
    newly listed would keep its unmutated copy (and count 0 mutants). A changed list wipes it."""
    listed = ROOT / "mutants" / "lane-modules.txt"
    wanted = "\n".join(modules)
    if listed.exists() and listed.read_text() == wanted:
        return
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    listed.parent.mkdir()
    listed.write_text(wanted)


def run_mutmut(module):
    env = {**os.environ, **UNIT_ENV}
    args = [sys.executable, "-m", "mutmut", "run", "--max-children", os.environ.get("JOBS", "2")]
    if module:
        args.append(f"{module.removesuffix('.py').replace('/', '.')}.*")
    subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
    results = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return [m.groupdict() for m in map(MUTANT.match, results.stdout.splitlines()) if m]


def tally(mutants, modules, named):
    per_module = {module: Counter() for module in modules}
    survivors = defaultdict(list)
    for mutant in mutants:
        if mutant["module"] not in per_module:
            continue
        status = mutant["status"].strip()
        kind = ("equivalent" if mutant["name"] in named and status not in KILLED
                else "killed" if status in KILLED else "survived")
        per_module[mutant["module"]][kind] += 1
        if kind == "survived":
            survivors[mutant["module"]].append(f"{mutant['name']} ({status})")
        if status in KILLED and mutant["name"] in named:
            print(f"killed although listed as equivalent: {mutant['name']}")
    return per_module, survivors


def score(counts):
    judged = counts["killed"] + counts["survived"]
    return counts["killed"] / judged if judged else 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", help="mutate this rule module only (a path)")
    parser.add_argument("--survivors", action="store_true", help="name every survivor")
    options = parser.parse_args()
    modules = listed_modules()
    fresh_copy(modules)
    named = equivalents()
    if options.module:
        modules = [options.module.removesuffix(".py").replace("/", ".")]
    per_module, survivors = tally(run_mutmut(options.module), modules, named)
    total = Counter()
    for module, counts in per_module.items():
        total += counts
        print(f"{module}: {score(counts):.2f} killed {counts['killed']}, survived "
              f"{counts['survived']}, equivalent {counts['equivalent']}")
        for line in survivors[module] if options.survivors else ():
            print(f"    {line}")
    judged = total["killed"] + total["survived"]
    print(f"mutation score: {score(total):.2f} ({total['killed']} of {judged} killed, "
          f"{total['equivalent']} equivalent)")
    empty = [module for module, counts in per_module.items() if not sum(counts.values())]
    for module in empty:
        print(f"no mutants of {module}: not a module, or nothing in it to mutate")
    below = [module for module, counts in per_module.items() if score(counts) < GOAL]
    return 1 if below or empty or score(total) < GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
