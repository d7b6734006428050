"""Journal (admin): the audit log, filtered by user, action and dates, and its download.

The log is append-only and holds codes and counts, never a person-level value. A download of
it is itself audited ("export"): the record is written when the file is generated, that is
when the button is clicked, by the callable Streamlit runs then (outside the page run, so it
takes the engine and the username from this run instead of the session).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from dashboard import access
from dashboard.auth import audit as audit_log
from dashboard.exports import table_to_csv, table_to_xlsx
from dashboard.formatting import datetime_column, format_count, format_date
from dashboard.i18n import catalogue, t
from dashboard.ui import auth, data, filters

user = auth.require("audit")

_LOCAL = ZoneInfo("Europe/Zurich")
lang = filters.current().lang
engine = data.engine()


def action_label(action: str) -> str:
    return t(f"data_page.action_{action}", lang)


def known(key: str, code: str) -> str:
    """The catalogue text of ``key``, or the code itself if the catalogue has none."""
    return t(key, lang) if key in catalogue() else code


def midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in Swiss time: the journal's days are the users' days."""
    return dt.datetime.combine(day, dt.time(), tzinfo=_LOCAL)


def shown_table(entries: pl.DataFrame) -> pl.DataFrame:
    pages = {page: known(p.title_key, page) for page, p in access.PAGES.items()}
    outcomes = {code: known(f"data_page.outcome_{code}", code) for code in entries["outcome"].unique()}
    column = {name: t(f"data_page.journal_col_{name}", lang) for name in
              ("at", "actor", "action", "outcome", "target", "upload", "page", "detail")}
    return entries.select(
        datetime_column("at", lang, style="seconds").alias(column["at"]),
        pl.col("actor").alias(column["actor"]),
        pl.col("action").replace_strict({a: action_label(a) for a in audit_log.ACTIONS}, default=pl.col("action"))
        .alias(column["action"]),
        pl.col("outcome").replace_strict(outcomes, default=pl.col("outcome")).alias(column["outcome"]),
        pl.col("target").alias(column["target"]),
        pl.col("upload_id").alias(column["upload"]),
        pl.col("page").replace_strict(pages, default=pl.col("page")).alias(column["page"]),
        pl.col("detail").alias(column["detail"]),
    )


st.title(t("login.page_audit", lang))
filters.not_applicable("year", "regions", "compare")
st.caption(t("data_page.journal_intro", lang))

actors = sorted(audit_log.entries(engine)["actor"].drop_nulls().unique().to_list())
who, what, since_column, until_column = st.columns([2, 3, 1, 1])
actor = who.selectbox(t("data_page.journal_actor", lang), [None, *actors], key="journal_actor",
                      format_func=lambda a: t("data_page.journal_all_actors", lang) if a is None else a)
actions = what.multiselect(t("data_page.journal_actions", lang), audit_log.ACTIONS, format_func=action_label,
                           placeholder=t("data_page.journal_all_actions", lang), key="journal_actions")
since = since_column.date_input(t("data_page.journal_since", lang), value=None, format="DD.MM.YYYY",
                                key="journal_since")
until = until_column.date_input(t("data_page.journal_until", lang), value=None, format="DD.MM.YYYY",
                                key="journal_until")
entries = audit_log.entries(
    engine,
    actor=actor,
    actions=actions or None,
    since=None if since is None else midnight(since),
    until=None if until is None else midnight(until + dt.timedelta(days=1)),  # the whole last day
)

if entries.is_empty():
    st.info(t("data_page.journal_empty", lang))
    st.stop()
st.caption(t("data_page.journal_count", lang, count=format_count(entries.height, lang)))
table = shown_table(entries)
st.dataframe(table, hide_index=True)

described = {
    t("data_page.journal_actor", lang): actor or t("data_page.journal_all_actors", lang),
    t("data_page.journal_actions", lang): ", ".join(map(action_label, actions))
    or t("data_page.journal_all_actions", lang),
    t("data_page.journal_since", lang): "" if since is None else format_date(since, lang),
    t("data_page.journal_until", lang): "" if until is None else format_date(until, lang),
}
notes = {"title": t("data_page.journal_title", lang), "filters": described,
         "source": t("data_page.journal_source", lang), "lang": lang}


def export(kind: str, username: str = user.username) -> bytes:
    """The file, and its audit record: run by Streamlit when the button is clicked."""
    body = table_to_csv(table, **notes) if kind == "csv" else table_to_xlsx(table, **notes)
    audit_log.record(engine, "export", actor=username, page="audit",
                     detail=f"table=audit_log format={kind} rows={table.height}")
    return body


left, right = st.columns(2)
left.download_button(t("app.download_csv", lang), data=lambda: export("csv"), file_name="journal.csv",
                     mime="text/csv", key="journal_csv", on_click="ignore")
right.download_button(t("app.download_xlsx", lang), data=lambda: export("xlsx"), file_name="journal.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="journal_xlsx", on_click="ignore")
