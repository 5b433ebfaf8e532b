"""SMS reports: the command Gammu SMSD runs for every received message (RunOnReceive).

    [smsd]
    RunOnReceive = /srv/tl/.venv/bin/python -m services.notifications.sms_inbox

The daemon passes the message's identifiers as arguments (file names with the
files backend, row ids with SQL) and its content in the environment:
SMS_MESSAGES, SMS_1_NUMBER, SMS_1_TEXT, ... and, for a multipart message,
DECODED_1_TEXT with the joined text. This command needs AMQP_URI (the region's
broker), TL_REGION (the region the modem serves) and SMSD_CONFIG (to queue the
reply with gammu-smsd-inject) in the daemon's environment, and its own signing key
(TL_CALLER_KEY_SMS_INBOX, or TL_CALLER_KEY_SMS_INBOX_FILE) to sign its calls as a
platform service: it can sign only itself, for the notifications service alone.

A report is idempotent per message: its key comes from the message ids (or
sender, time and text), so a second run for the same SMS (the daemon runs the
command again when it took over two minutes) returns the same ticket. The key is
an HMAC of them with a server secret (SMS_KEY_SECRET, else one derived from the caller key the
command holds anyway): Gammu's inbox file names are the date, time and phone
number, so a plain hash of them could be computed by anyone who knows when a
number sent an SMS. Neither key nor message ids (they name the phone) are logged.
"""
import hashlib
import hmac
import logging
import os
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from services.notifications import sms_commands
from services.notifications.channels import queue_sms
from services.servicekit import caller_keys
from services.servicekit.caller import Caller
from services.servicekit.errors import NotFound, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.scrub import install_log_filter

log = logging.getLogger("sms_inbox")
RPC_TIMEOUT = 20  # the daemon waits up to two minutes for us


def read_message(environ):
    """(sender, text) of the received message, its parts joined."""
    text = environ.get("DECODED_1_TEXT")
    if not text:
        count = int(environ.get("SMS_MESSAGES") or 1)
        text = "".join(environ.get(f"SMS_{i}_TEXT", "") for i in range(1, count + 1))
    return environ.get("SMS_1_NUMBER", ""), text


def key_secret(environ):
    """SMS_KEY_SECRET, else a secret derived from this host's own caller key (which only the
    SMS host holds); the same for every run of the command, so the daemon's second run for a
    message finds the first one's ticket."""
    if environ.get("SMS_KEY_SECRET"):
        return environ["SMS_KEY_SECRET"]
    own = caller_keys.private_key("sms_inbox", environ).private_bytes_raw()
    return hmac.new(own, b"tl-sms-report-keys", hashlib.sha256).hexdigest()


def idempotency_key(secret, message_ids, environ, sender, text):
    """The report's idempotency key: never derivable from the message without `secret`."""
    basis = "|".join(message_ids) or f"{sender}|{environ.get('SMS_1_TIMESTAMP', '')}|{text}"
    return "sms-" + hmac.new(secret.encode(), f"tl-sms-report|{basis}".encode(),
                             hashlib.sha256).hexdigest()[:40]


def answer(cluster, region, sender, text, key):
    """The reply for one SMS, after doing what it asks."""
    codes = [c["code"] for c in cluster.aspirasi.categories(region.code)]
    command = sms_commands.parse(text, codes)
    if command.kind == "lapor":
        report = {"category": command.category, "description": command.text,
                  "location": {"address": command.text[:300]},
                  "reporter": {"name": "Pelapor SMS", "phone": sender}}
        try:
            ticket = cluster.aspirasi.submit(region.code, report, key, receipt=False)  # replied below
        except ValidationFailed:
            return sms_commands.rejected_reply()
        return sms_commands.submitted_reply(ticket)
    if command.kind == "cek":
        try:
            return sms_commands.status_reply(cluster.aspirasi.get_ticket(command.number))
        except NotFound:
            return sms_commands.not_found_reply(command.number)
    if command.kind == "stop":
        cluster.notifications.opt_out_phone(sender, caller=Caller.service("sms_inbox").sign("notifications"))
        return sms_commands.stopped_reply()
    if command.kind == "harga":
        cluster.notifications.subscribe_price_alerts(region.code, "sms", sender,
                                                     caller=Caller.service("sms_inbox").sign("notifications"))
        return sms_commands.subscribed_reply(region.name)
    return sms_commands.help_reply(codes, command.problem)


def main(argv, environ):
    sender, text = read_message(environ)
    if not sender:
        log.error("no SMS_1_NUMBER in the environment: run this from gammu-smsd's RunOnReceive")
        return 2
    region = get_region(environ["TL_REGION"])
    try:
        key = idempotency_key(key_secret(environ), argv, environ, sender, text)
        with ClusterRpcProxy({"AMQP_URI": environ["AMQP_URI"]}, timeout=RPC_TIMEOUT) as cluster:
            reply = answer(cluster, region, sender, text, key)
    except Exception:  # noqa: BLE001 - the citizen must learn to send again
        log.exception("SMS from ...%s not handled (the message stays in the daemon's inbox; "
                      "rerun this command with its id once the platform is back)", sender[-3:])
        queue_sms(environ["SMSD_CONFIG"], sender, sms_commands.unavailable_reply())
        return 1
    queue_sms(environ["SMSD_CONFIG"], sender, reply)
    log.info("SMS from ...%s answered", sender[-3:])
    return 0


if __name__ == "__main__":
    # The daemon closes our standard streams: log to a file when one is given.
    logging.basicConfig(level=logging.INFO, filename=os.environ.get("SMS_INBOX_LOG"),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_log_filter()  # not started by the kit's runner: no contact in this log either
    sys.exit(main(sys.argv[1:], os.environ))
