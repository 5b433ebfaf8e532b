"""An unreachable broker or store, or a bad config, is one clear line, not a traceback."""
import subprocess
import sys

from services.platform.service_index import SERVICES_DIR
from tools.backing import free_port

ROOT = SERVICES_DIR.parent


def run_service(env_overrides):
    import os
    env = {**os.environ, **env_overrides}
    return subprocess.run([sys.executable, "-m", "services.platform.runner", "aspirasi"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_unreachable_broker_is_one_line():
    result = run_service({"AMQP_URI": f"amqp://guest:guest@127.0.0.1:{free_port()}/"})
    assert result.returncode == 2
    assert "cannot reach RabbitMQ" in result.stderr and "AMQP_URI" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_store_is_one_line():
    result = run_service({"MONGO_URI": f"mongodb://127.0.0.1:{free_port()}/"})
    assert result.returncode == 2
    assert "cannot reach the MongoDB store" in result.stderr and "Traceback" not in result.stderr


def test_bad_config_value_is_one_line():
    result = run_service({"AMQP_URI": "rabbit-at-localhost"})
    assert result.returncode == 2 and "AMQP_URI is invalid" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_service_without_the_gateways_public_key_is_one_line():
    import os
    result = run_service({name: "" for name in os.environ if name.startswith("TL_CALLER_")})
    assert result.returncode == 2 and "TL_CALLER_PUBLIC_KEY_GATEWAY" in result.stderr
    assert "Traceback" not in result.stderr
