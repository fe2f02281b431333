"""Settings read from the environment: defaults, parsing, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError


def test_defaults_are_the_contracts() -> None:
    settings = Settings.from_env({})
    assert settings.login_url == "https://login.microsoftonline.com"
    assert settings.outlook_url == "https://outlook.office365.com"
    assert settings.graph_url == "https://graph.microsoft.com"
    assert settings.ca_bundle is None and settings.port == 3000
    assert settings.probe_users == frozenset() and settings.probe_group is None


def test_bases_lose_a_trailing_slash_and_probe_access_is_parsed() -> None:
    settings = Settings.from_env(
        {
            "WHY401_LOGIN_URL": "https://127.0.0.1:8443/",
            "WHY401_CA_BUNDLE": "/etc/why401/ca.pem",
            "WHY401_PROBE_USERS": "U01, U02  U03",
            "WHY401_PROBE_GROUP": "S0ONCALL",
        }
    )
    assert settings.login_url == "https://127.0.0.1:8443"
    assert settings.ca_bundle == Path("/etc/why401/ca.pem")
    assert settings.probe_users == frozenset({"U01", "U02", "U03"})
    assert settings.probe_group == "S0ONCALL"


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_a_bad_port_is_refused_by_name(port: str) -> None:
    with pytest.raises(SettingsError, match="PORT"):
        Settings.from_env({"PORT": port})
