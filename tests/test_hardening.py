"""The hardening of `.streamlit/config.toml` (issue 5, item 9): a loosened setting fails here."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"

REQUIRED = {
    ("server", "enableXsrfProtection"): True,
    ("server", "enableCORS"): True,
    ("server", "corsAllowedOrigins"): [],
    ("server", "maxUploadSize"): 20,
    ("server", "enableStaticServing"): False,
    ("client", "showErrorDetails"): "none",
    ("client", "showErrorLinks"): False,
    ("client", "toolbarMode"): "viewer",
    ("browser", "gatherUsageStats"): False,
}


@pytest.mark.parametrize(("section", "option"), list(REQUIRED), ids=lambda part: str(part))
def test_config_keeps_each_hardened_setting(section, option):
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config[section][option] == REQUIRED[(section, option)]


def test_streamlit_reads_the_same_values(monkeypatch):
    """Streamlit itself parses the file as we mean it (a typo in a name would be ignored by it)."""
    from streamlit import config

    monkeypatch.chdir(CONFIG.parent.parent)
    config._config_options = None  # re-read from the working directory
    try:
        config.get_config_options(force_reparse=True)
        for (section, option), value in REQUIRED.items():
            assert config.get_option(f"{section}.{option}") == value, (section, option)
    finally:
        config._config_options = None
        config.get_config_options(force_reparse=True)
