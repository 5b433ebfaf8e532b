"""Every YAML file under deploy/ passes yamllint with deploy/.yamllint.yaml."""
from yamllint import linter
from yamllint.config import YamlLintConfig

from tests.ops.manifests import DEPLOY

CONFIG = YamlLintConfig(file=str(DEPLOY / ".yamllint.yaml"))
FILES = sorted(p for p in DEPLOY.rglob("*") if p.suffix in {".yaml", ".yml"})


def test_deploy_yaml_is_clean():
    assert len(FILES) > 10, "the manifests were not found"
    problems = [f"{path.relative_to(DEPLOY)}:{p.line}:{p.column} {p.level} {p.desc} ({p.rule})"
                for path in FILES for p in linter.run(path.read_text(), CONFIG, str(path))]
    assert not problems, "\n".join(problems)


def test_the_linter_is_not_a_rubber_stamp():
    bad = "key: value\nkey: again\nlist:\n    - wrongly indented\n"
    rules = {p.rule for p in linter.run(bad, CONFIG)}
    assert {"key-duplicates", "indentation"} <= rules
