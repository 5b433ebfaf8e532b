"""An SMTP relay that refuses every recipient, as a region's relay refuses an unknown
mailbox: `python -m aiosmtpd -n -l HOST:PORT -c tests.notifications.refusing_relay.RefusingRelay`.
Its answer quotes the address, as Postfix's does."""


class RefusingRelay:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
