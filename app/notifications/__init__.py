"""Sending messages to people: a small interface, SMTP in production and the
log in development."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from flask import Flask

log = logging.getLogger("pillar.notifications")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


class Notifier(Protocol):
    def send(self, message: Message) -> None: ...


class LogNotifier:
    """Writes each message to the log instead of sending it (development)."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)
        log.info("message to %s: %s\n%s", message.to, message.subject, message.body)


class SmtpNotifier:
    def __init__(self, host: str, port: int, sender: str, *, use_tls: bool = False,
                 username: str | None = None, password: str | None = None, timeout: float = 30) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.use_tls, self.username, self.password, self.timeout = use_tls, username, password, timeout

    def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)


def notifier_for(app: Flask) -> Notifier:
    """SMTP when MAIL_BACKEND is "smtp"; otherwise the log."""
    config = app.config
    if config.get("MAIL_BACKEND") == "smtp":
        return SmtpNotifier(
            config["MAIL_HOST"],
            int(config["MAIL_PORT"]),
            config["MAIL_SENDER"],
            use_tls=bool(config.get("MAIL_USE_TLS")),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
        )
    return LogNotifier()
