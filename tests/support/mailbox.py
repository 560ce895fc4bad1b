"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests that count e-mails."""

import asyncio
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self.delay = 0.0  # seconds the server takes to accept a message, to widen the window for faults

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self._messages.append(message)
        return "250 Message accepted for delivery"

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()

    def clear(self):
        with self._lock:
            self._messages.clear()

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    def matching(self, subject: str | None = None) -> list[EmailMessage]:
        return [m for m in self.messages if subject is None or subject in m["Subject"]]

    def wait_for(self, count: int, timeout: float = 30, subject: str | None = None) -> list[EmailMessage]:
        """Wait until `count` messages (whose subject contains `subject`, if given) arrived; return those."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.matching(subject)) < count:
            time.sleep(0.1)
        return self.matching(subject)
