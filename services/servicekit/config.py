"""Service configuration: one YAML file per service, `${VAR:default}` substituted.

We reuse nameko's own YAML loader so `nameko run --config` and our runner read
files the same way, then check the result against a small schema so a bad value
fails with one line naming the key instead of a traceback deep in a dependency.
"""
import os
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from nameko.cli.main import setup_yaml_parser

from services.servicekit.errors import ConfigError

BASE_SCHEMA = {
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


def load_config(path, extra_schema=None, env=None):
    """Read a service config file; raise ConfigError naming the bad key.

    `env` substitutes variables from a mapping other than os.environ (used by
    tools that prepare a child process's environment).
    """
    setup_yaml_parser()
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} not found: pass --config with a service's config.yaml")
    saved = dict(os.environ)
    if env is not None:
        os.environ.update(env)
    try:
        with path.open() as handle:
            config = yaml.safe_load(handle) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc.problem} at line "
                          f"{exc.problem_mark.line + 1 if exc.problem_mark else '?'})") from None
    finally:
        if env is not None:
            os.environ.clear()
            os.environ.update(saved)
    schema = dict(BASE_SCHEMA)
    if extra_schema:
        schema = {
            "type": "object",
            "required": BASE_SCHEMA["required"] + extra_schema.get("required", []),
            "properties": {**BASE_SCHEMA["properties"], **extra_schema.get("properties", {})},
        }
    errors = sorted(Draft202012Validator(schema).iter_errors(config), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        key = ".".join(str(p) for p in first.path) or "(top level)"
        raise ConfigError(
            f"{path}: {key} is invalid ({first.message}); set it in the file or its environment variable"
        )
    return config
