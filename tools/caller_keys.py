"""Caller signing keys for a cluster: `python -m tools.caller_keys DIR`.

Writes one Ed25519 key pair per signer (servicekit.caller_keys.SIGNERS) into DIR,
`<signer>.key` (private, mode 0600) and `<signer>.pub`, and prints the kubectl
commands that put them into the Secrets the Deployments read: each private key in
its own signer's Secret (tl-gateway-caller-key, tl-notifications-caller-key), the
public keys in tl-caller-public-keys for every service. The SMS host's key
(sms_inbox.key) goes to that host's environment (TL_CALLER_KEY_SMS_INBOX_FILE).
`make run` and the tests need none of this: they make fresh keys per run.
"""
import os
import sys
from pathlib import Path

from services.servicekit import caller_keys

# Signers that run as a Deployment, and so have a Secret of their own.
IN_CLUSTER = ("gateway", "notifications")


def secret_key(signer):
    return signer.replace("_", "-")


def write(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    env = caller_keys.generate()
    for signer in caller_keys.SIGNERS:
        private = directory / f"{signer}.key"
        private.touch(mode=0o600, exist_ok=False)
        private.write_text(env[caller_keys.variable(signer, True)])
        (directory / f"{signer}.pub").write_text(env[caller_keys.variable(signer, False)])
    return directory


def kubectl_commands(directory, namespace="<namespace>"):
    lines = [f"kubectl -n {namespace} create secret generic tl-{s}-caller-key "
             f"--from-file=private={directory / (s + '.key')}" for s in IN_CLUSTER]
    public = " ".join(f"--from-file={secret_key(s)}={directory / (s + '.pub')}" for s in caller_keys.SIGNERS)
    lines.append(f"kubectl -n {namespace} create secret generic tl-caller-public-keys {public}")
    return lines


def main(argv):
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        directory = write(argv[0])
    except FileExistsError as exc:
        print(f"caller_keys: {exc.filename} exists; keys are never overwritten (use a new DIR)",
              file=sys.stderr)
        return 1
    print("\n".join(kubectl_commands(directory.resolve())))
    print(f"# then delete {directory}/*.key once stored (the SMS host keeps sms_inbox.key)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.umask(0o077)
    sys.exit(main(sys.argv[1:]))
