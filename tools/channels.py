"""Local stand-ins for a region's message channels, for `make run` and the tests.

* `MailSink`: an aiosmtpd SMTP server writing every mail into a Maildir
  (`<dir>/new/`), where a newcomer reads what the notifications service sent;
* `SmsGateway`: Gammu SMSD on its `dummy` driver (a directory plays the GSM
  modem: incoming SMS are files in `<dir>/phone/sms/1/`), with the files
  backend and our RunOnReceive command, exactly as a region runs it with a modem.
"""
import mailbox
import shutil
import subprocess
import sys
import time
from pathlib import Path

from services.servicekit import caller_keys
from tools import backing

ROOT = Path(__file__).resolve().parent.parent
SMSD_CONFIG = """[gammu]
model = dummy
connection = none
device = {dir}/phone

[smsd]
service = files
inboxpath = {dir}/inbox/
outboxpath = {dir}/outbox/
sentsmspath = {dir}/sent/
errorsmspath = {dir}/error/
ReceiveFrequency = 1
StatusFrequency = 0
LoopSleep = 1
CommTimeout = 1
logfile = {dir}/smsd.log
debuglevel = 1
RunOnReceive = {python} -m services.notifications.sms_inbox
"""


class MailSink:
    def __init__(self, maildir, port=None):
        self.maildir, self.port = Path(maildir), port or backing.free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)], cwd=ROOT,
            preexec_fn=backing.die_with_parent)
        backing.wait_port("127.0.0.1", self.port, 15, "the SMTP sink (aiosmtpd)")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def messages(self):
        if not self.maildir.is_dir():
            return []
        return list(mailbox.Maildir(self.maildir, create=False))


class SmsGateway:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.config = self.dir / "smsdrc"
        self.proc = None

    @staticmethod
    def available():
        return shutil.which("gammu-smsd") is not None and shutil.which("gammu-smsd-inject") is not None

    def prepare(self):
        for sub in ("phone/sms/1", "phone/sms/2", "phone/sms/3", "phone/sms/4", "phone/sms/5",
                    "inbox", "outbox", "sent", "error"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.config.write_text(SMSD_CONFIG.format(dir=self.dir, python=sys.executable))
        return self

    def start(self, env):
        """The daemon; RunOnReceive inherits `env` (AMQP_URI, TL_REGION, SMSD_CONFIG)."""
        # RunOnReceive signs as the SMS inbox: its own private key, no other.
        self.proc = subprocess.Popen(["gammu-smsd", "-c", str(self.config)], cwd=ROOT,
                                     env={**caller_keys.for_process("sms_inbox", env),
                                          "SMSD_CONFIG": str(self.config),
                                          "SMS_INBOX_LOG": str(self.dir / "inbox.log"),
                                          "PYTHONPATH": str(ROOT)},
                                     preexec_fn=backing.die_with_parent)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def receive(self, sender, text):
        """An SMS arrives at the (dummy) modem, as the network would deliver it."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        body = (f'[SMSBackup000]\nSMSC = "+6281100000"\nState = UnRead\nNumber = "{sender}"\n'
                f"Coding = Default\nFolder = 1\nPDU = Deliver\nDateTime = {stamp}\n"
                f"Text00 = {text.encode('utf-16-be').hex()}\n")
        folder = self.dir / "phone" / "sms" / "1"
        # The dummy modem's locations are the numbers 1-9999 (file names).
        location = min(set(range(1, 10_000)) - {int(p.name) for p in folder.iterdir() if p.name.isdigit()})
        staged = folder.parent / f"incoming-{location}"
        staged.write_text(body)
        staged.rename(folder / str(location))

    def queued(self):
        """[(number, text)] of every SMS queued (outbox) or sent, oldest first (names carry the time)."""
        for attempt in range(5):  # the daemon moves a message from outbox/ to sent/ as it goes
            paths = [*(self.dir / "outbox").glob("OUT*"), *(self.dir / "sent").glob("OUT*")]
            try:
                return [read_smsbackup(path) for path in sorted(paths, key=lambda p: p.name)]
            except FileNotFoundError:
                if attempt == 4:
                    raise
                time.sleep(0.05)


def read_smsbackup(path):
    """(number, text) of a Gammu smsbackup file, its parts joined.

    The daemon appends the message again when it moves it to sent/; a section
    seen before marks where that copy begins.
    """
    number, text, sections = None, [], set()
    for line in Path(path).read_text(errors="replace").splitlines():
        if line.startswith("[SMSBackup"):
            if line in sections:
                break
            sections.add(line)
        key, _, value = (part.strip() for part in line.partition("="))
        if key == "Number" and number is None:
            number = value.strip('"')
        elif key.startswith("Text") and key[4:].isdigit():
            text.append(bytes.fromhex(value).decode("utf-16-be"))
    return number, "".join(text)


def main(argv):
    """`python -m tools.channels receive-sms NUMBER TEXT`: an SMS reaches `make run`'s dummy modem."""
    if len(argv) != 3 or argv[0] != "receive-sms":
        print(main.__doc__, file=sys.stderr)
        return 2
    SmsGateway(ROOT / ".data" / "sms").receive(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
