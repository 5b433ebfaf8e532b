"""Service configuration: one YAML file per service, `${VAR:default}` substituted.

We reuse nameko's own YAML loader so `nameko run --config` and our runner read
files the same way, then check the result against a small schema so a bad value
fails with one line naming the key instead of a traceback deep in a dependency.
"""
import os
from pathlib import Path
from typing import Any, Mapping

import yaml
from jsonschema import Draft202012Validator
from nameko.cli.main import setup_yaml_parser

from services.servicekit.errors import ConfigError

BASE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["AMQP_URI", "MONGO_URI", "SERVICE_NAME"],
    "properties": {
        "AMQP_URI": {"type": "string", "pattern": "^amqps?://"},
        "MONGO_URI": {"type": "string", "pattern": "^mongodb(\\+srv)?://"},
        "MONGO_DB": {"type": "string", "minLength": 1},
        "SERVICE_NAME": {"type": "string", "minLength": 1},
        "WEB_SERVER_ADDRESS": {"type": "string", "pattern": "^[^:]+:[0-9]+$"},
        # The operator port: probes and /metrics (servicekit/health.py).
        "OPS_HTTP": {"type": "string", "pattern": "^[^:]+:[0-9]+$"},
    },
}


def load_config(path: str | Path, extra_schema: dict[str, Any] | None = None,
                env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read a service config file; raise ConfigError naming the bad key.

    `env` substitutes variables from a mapping other than os.environ (used by
    tools that prepare a child process's environment).
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} not found: pass --config with a service's config.yaml")
    config = _read(path, env)
    errors = sorted(Draft202012Validator(_schema(extra_schema)).iter_errors(config),
                    key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        key = ".".join(str(p) for p in first.path) or "(top level)"
        raise ConfigError(
            f"{path}: {key} is invalid ({first.message}); set it in the file or its environment variable"
        )
    return config


def _read(path: Path, env: Mapping[str, str] | None) -> dict[str, Any]:
    """The file's YAML with `${VAR:default}` substituted (nameko's loader) from os.environ,
    or from `env` over it (os.environ is as before afterwards)."""
    setup_yaml_parser()
    saved = dict(os.environ)
    if env is not None:
        os.environ.update(env)
    try:
        with path.open() as handle:
            return yaml.safe_load(handle) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"{path}: not valid YAML ({getattr(exc, 'problem', exc)} at line "
                          f"{mark.line + 1 if mark else '?'})") from None
    finally:
        if env is not None:
            os.environ.clear()
            os.environ.update(saved)


def _schema(extra_schema: dict[str, Any] | None) -> dict[str, Any]:
    if not extra_schema:
        return dict(BASE_SCHEMA)
    return {
        "type": "object",
        "required": BASE_SCHEMA["required"] + extra_schema.get("required", []),
        "properties": {**BASE_SCHEMA["properties"], **extra_schema.get("properties", {})},
    }
