"""Median rerun time of each page after a filter change, on the demo data (AppTest, in process).

Each page is opened once (which fills the loaders' cache, as the first visitor would), then the
year is switched back and forth and every rerun is timed: what a user waits for after changing
a filter. AppTest runs the real script without a browser, so the figure excludes the network
and the browser's rendering.
"""

from __future__ import annotations

import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
PAGES = ("overview", "overlaps", "coaching", "youth", "complex", "network", "resources", "glossary", "presentation")
TARGET_S = 0.3


def page_reruns(runs: int = 5) -> list[dict]:
    """For each page: median, min and max seconds of `runs` reruns after a year change."""
    from streamlit.testing.v1 import AppTest

    from dashboard.auth import accounts, sessions
    from dashboard.db.engine import ensure_database
    from dashboard.demo import load_demo

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite3'}"
        engine = ensure_database(url)
        load_demo(engine)
        os.environ["CII_DATABASE_URL"] = url
        # A logged-in analyst: every rerun includes the gate's session check, as in production.
        for name in ("CII_COOKIE_KEY", "CII_TOTP_KEY"):
            os.environ.setdefault(name, secrets.token_urlsafe(48))
        accounts.create_account(engine, "bench-analyst", "analyst", password=secrets.token_urlsafe(18))
        results = []
        for page in PAGES:
            at = AppTest.from_file(str(APP), default_timeout=120)
            at.session_state["authentication_status"] = True
            at.session_state["username"] = "bench-analyst"
            at.session_state["roles"] = ["analyst"]
            at.session_state["_cii_session"] = sessions.open_session(engine, "bench-analyst", cookie_expires=None)
            at.run()
            if page != "overview":
                at.switch_page(f"../pages/{page}.py").run()
            times = []
            for i in range(runs + 1):
                at.selectbox(key="year").set_value(2024 if i % 2 == 0 else 2025)
                start = time.perf_counter()
                at.run()
                if i:  # the first switch to 2024 computes that year's figures for the first time
                    times.append(time.perf_counter() - start)
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception[0].message}")
            results.append({"page": page, "median": statistics.median(times), "min": min(times), "max": max(times)})
        engine.dispose()
    return results


def section(results: list[dict], runs: int) -> str:
    rows = [
        f"| {r['page']} | {r['median'] * 1000:,.0f} | {r['min'] * 1000:,.0f} | {r['max'] * 1000:,.0f} | "
        f"{'ok' if r['median'] <= TARGET_S else 'SLOW'} |"
        for r in results
    ]
    return (
        f"Each page on the demo database, year switched 2024 ↔ 2025, {runs} timed reruns after one "
        f"untimed (AppTest in process: script run only, no browser). Target: {TARGET_S * 1000:.0f} ms.\n\n"
        "| page | median ms | min ms | max ms | target |\n| :--- | ---: | ---: | ---: | :---: |\n" + "\n".join(rows)
    )
