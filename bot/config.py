"""One Settings object read from the environment and passed down; nothing else reads os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class SettingsError(ValueError):
    """An environment variable holds a value why401 cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the defaults of CONTRACT.md."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    host: str = "0.0.0.0"  # a web dyno must listen on every interface
    port: int = 3000
    db_path: Path = Path("why401.db")
    login_url: str = "https://login.microsoftonline.com"
    outlook_url: str = "https://outlook.office365.com"
    graph_url: str = "https://graph.microsoft.com"
    ca_bundle: Path | None = None
    no_color: bool = False
    answer_in_process: bool = True
    # Who may run live probes from Slack: listed user ids and/or members of one user group; anyone if neither.
    probe_users: frozenset[str] = frozenset()
    probe_group: str | None = None
    log_format: str = "text"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `env` (the process environment by default)."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        port = get("PORT") or "3000"
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingsError(f"PORT must be a TCP port number, not {port!r}")
        ca_bundle = get("WHY401_CA_BUNDLE")
        log_format = (get("LOG_FORMAT") or "text").lower()
        if log_format not in ("text", "json"):
            raise SettingsError(f"LOG_FORMAT must be text or json, not {log_format!r}")
        return cls(
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL") or cls.slack_api_url,
            host=get("HOST") or cls.host,
            port=int(port),
            db_path=Path(get("WHY401_DB") or cls.db_path),
            login_url=(get("WHY401_LOGIN_URL") or cls.login_url).rstrip("/"),
            outlook_url=(get("WHY401_OUTLOOK_URL") or cls.outlook_url).rstrip("/"),
            graph_url=(get("WHY401_GRAPH_URL") or cls.graph_url).rstrip("/"),
            ca_bundle=Path(ca_bundle) if ca_bundle else None,
            no_color="NO_COLOR" in env,
            answer_in_process=(get("WHY401_ANSWER_IN_PROCESS") or "1") not in ("0", "false", "no"),
            probe_users=frozenset((get("WHY401_PROBE_USERS") or "").replace(",", " ").split()),
            probe_group=get("WHY401_PROBE_GROUP"),
            log_format=log_format,
        )
