import pytest

from services.servicekit.config import load_config
from services.servicekit.errors import ConfigError

BASE = """
SERVICE_NAME: demo
AMQP_URI: ${TEST_AMQP:amqp://guest:guest@127.0.0.1:5672/}
MONGO_URI: ${TEST_MONGO:mongodb://127.0.0.1:27017/}
RPC_TIMEOUT: ${TEST_TIMEOUT:2}
"""


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


def test_defaults_apply_when_variables_are_unset(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_AMQP", raising=False)
    config = load_config(write(tmp_path, BASE))
    assert config["AMQP_URI"] == "amqp://guest:guest@127.0.0.1:5672/"
    assert config["RPC_TIMEOUT"] == 2  # substituted values are typed like YAML


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_MONGO", "mongodb://db.example:27017/")
    assert load_config(write(tmp_path, BASE))["MONGO_URI"] == "mongodb://db.example:27017/"


def test_bad_value_names_the_key_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_AMQP", "localhost:5672")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, BASE))
    message = str(caught.value)
    assert "AMQP_URI" in message and "\n" not in message


def test_missing_key_and_missing_file_are_named(tmp_path):
    with pytest.raises(ConfigError, match="MONGO_URI"):
        load_config(write(tmp_path, "SERVICE_NAME: x\nAMQP_URI: amqp://h/\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yaml")


def test_every_service_config_loads():
    from services.platform.service_index import SERVICES, SERVICES_DIR
    for name in SERVICES:
        assert load_config(SERVICES_DIR / name / "config.yaml")["SERVICE_NAME"] == name
