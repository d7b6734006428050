"""8 Données: the dataset catalogue, the upload history, the cross-dataset checks and the file
templates; for the Bureau CII (admin) also the upload of a partner file and the rollback.

An upload goes through exactly the checks of ``cii import`` (:mod:`dashboard.imports`): the file
is checked, its report shown in the user's language, and only an explicit confirmation stores
it; a refused file never reaches the database. Uploads, refusals and rollbacks are audited with
codes and counts only, never a cell of the file. ``analyst`` sees the page read-only.
"""

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import access, imports, kpi
from dashboard.charts import label
from dashboard.datasets import DATASETS, SOURCES
from dashboard.db.store import StoreError, rollback
from dashboard.formatting import datetime_column, format_count
from dashboard.i18n import t
from dashboard.ingest.read import EXTENSIONS
from dashboard.ingest.report import MAX_LISTED_PROBLEMS, ValidationReport
from dashboard.ingest.validate import FIRST_YEAR, LAST_YEAR
from dashboard.templates import write_templates
from dashboard.ui import auth, data, filters
from queries import consistency

user = auth.require("data")

# This page's session state: the checked file (validated once, not at every rerun), the
# message of the last store or rollback, the rollback awaiting its confirmation, and the
# generations that give the uploader and the rollback choice fresh widgets once used.
_CHECKED, _NOTICE, _PENDING = "_data_checked", "_data_notice", "_data_rollback_pending"
_UPLOAD_GENERATION, _ROLLBACK_GENERATION = "_data_upload_generation", "_data_rollback_generation"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

lang = filters.current().lang
engine = data.engine()


def heading(name: str) -> str:
    return t(f"data_page.{name}", lang)


def dataset_label(code: str) -> str:
    return t(f"pages_main.dataset.{code}", lang)


def source_label(code: str) -> str:
    return label("institution", code, lang)  # ORP → RAV in German; T1 and CII as they are


def local_time(column: str) -> pl.Expr:
    return datetime_column(column, lang)


def counts(values: pl.Series, name: str) -> pl.Series:
    return pl.Series(heading(name), [format_count(value, lang) for value in values], pl.String)


def catalogue_table(uploads: pl.DataFrame) -> pl.DataFrame:
    table = consistency.catalogue(uploads)
    senders = [s and ", ".join(map(source_label, s.split(", "))) for s in table["sources"]]
    descriptions = {code: t(f"data_page.description_{code}", lang) for code in DATASETS}
    return table.select(
        pl.col("dataset").replace_strict({c: dataset_label(c) for c in DATASETS}).alias(heading("col_dataset")),
        pl.col("dataset").replace_strict(descriptions).alias(heading("col_description")),
        pl.col("files").alias(heading("col_files")),
        counts(table["rows"], "col_rows"),
        pl.col("years").fill_null(heading("nothing_yet")).alias(heading("col_years")),
        pl.Series(heading("col_sources"), senders, pl.String),
        local_time("last_upload").alias(heading("col_last_upload")),
    )


def history_table(uploads: pl.DataFrame) -> pl.DataFrame:
    statuses = {s: t(f"store.status_{s}", lang) for s in ("current", "superseded", "rolled_back")}
    datasets = {code: dataset_label(code) for code in DATASETS}
    return uploads.select(
        pl.col("id").alias(heading("col_upload")),
        pl.col("dataset").replace_strict(datasets, default=pl.col("dataset")).alias(heading("col_dataset")),
        pl.col("source").replace_strict({s: source_label(s) for s in SOURCES}, default=pl.col("source"))
        .alias(heading("col_source")),
        pl.col("year").cast(pl.String).alias(heading("col_year")),
        pl.col("file_name").alias(heading("col_file")),
        counts(uploads["row_count"], "col_rows"),
        pl.col("uploaded_by").alias(heading("col_uploaded_by")),
        local_time("uploaded_at").alias(heading("col_uploaded_at")),
        pl.col("status").replace_strict(statuses, default=pl.col("status")).alias(heading("col_status")),
        local_time("status_changed_at").alias(heading("col_status_changed")),
        pl.col("status_changed_by").alias(heading("col_status_changed_by")),
        pl.col("replaces_id").alias(heading("col_replaces")),
    )


def problems_table(report: ValidationReport) -> pl.DataFrame:
    """The listed errors, then the listed warnings: kind, row, column, value, the full sentence."""
    listed = [("error", p) for p in report.errors[:MAX_LISTED_PROBLEMS]]
    listed += [("warning", p) for p in report.warnings[:MAX_LISTED_PROBLEMS]]
    rows = [(t(f"data_page.problem_{kind}", lang), p.row, p.column, p.value, p.message(lang))
            for kind, p in listed]
    columns = {"col_kind": pl.String, "col_row": pl.Int64, "col_column": pl.String,
               "col_value": pl.String, "col_message": pl.String}
    return pl.DataFrame(rows, schema={heading(n): dtype for n, dtype in columns.items()}, orient="row")


def check_sentence(row: dict) -> str:
    """One row of :func:`queries.consistency.consistency_checks` as a sentence."""
    subject = row["subject"] or ""
    figure = subject.split("|", 1) if "|" in subject else None  # "indicator|dimensions"
    return t(
        f"data_page.check_{row['check']}_{row['status']}",
        lang,
        year=row["year"],
        value=kpi.format_figure(row["value"], row["unit"], lang),
        reference=kpi.format_figure(row["reference"], row["unit"], lang),
        dataset=dataset_label(row["dataset"]) if row["dataset"] else "",
        source=source_label(subject),
        region=label("region", subject, lang),
        label=kpi.indicator_label(*figure, lang) if figure else subject,
    )


def checks_table(checks: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame({
        heading("col_year"): checks["year"].cast(pl.String),
        heading("col_status"): [t(f"data_page.status_{s}", lang) for s in checks["status"]],
        heading("col_detail"): [check_sentence(row) for row in checks.iter_rows(named=True)],
    })


def template_bytes(name: str, extension: str) -> bytes:
    """The template ``cii templates`` writes for dataset `name` (run on click, off the page run)."""
    with tempfile.TemporaryDirectory() as directory:
        write_templates(Path(directory))
        return (Path(directory) / f"{name}.{extension}").read_bytes()


# --- upload (admin) ------------------------------------------------------------------------------


def checked_upload(uploaded, dataset: str, source: str, year: int) -> imports.CheckedFile | None:
    """The file checked once per (file, dataset, source, year); None when it is too large.

    A refusal is audited once, when the file is checked, not at every rerun that shows it.
    """
    key = (uploaded.file_id, dataset, source, year)
    cached = st.session_state.get(_CHECKED)
    if cached is None or cached[0] != key:
        checked = None
        if uploaded.size <= imports.MAX_UPLOAD_MB * 1024 * 1024:
            checked = imports.check_file(dataset, uploaded.getvalue(), source=source, year=year,
                                         file_name=uploaded.name)
        if checked is None or not checked.ok:
            errors = 1 if checked is None else checked.report.error_count
            auth.audit("upload_refused", outcome="refused", page="data",
                       detail=f"dataset={dataset} source={source} year={year} errors={errors}")
        cached = st.session_state[_CHECKED] = (key, checked)
    return cached[1]


def show_report(checked: imports.CheckedFile) -> None:
    report = checked.report
    if checked.ok:
        st.success(t("data_page.report_accepted", lang, rows=format_count(checked.row_count, lang),
                     dataset=dataset_label(checked.dataset), source=source_label(checked.source),
                     year=checked.year))
    else:
        st.error(t("data_page.report_refused", lang, errors=format_count(report.error_count, lang)))
    if report.warnings:
        st.warning(t("data_page.report_warnings", lang, count=format_count(len(report.warnings), lang)))
    if report.errors or report.warnings:
        st.dataframe(problems_table(report), hide_index=True)
    hidden_errors = report.error_count - min(len(report.errors), MAX_LISTED_PROBLEMS)
    if hidden_errors > 0:
        st.caption(t("validation.more_problems", lang, count=format_count(hidden_errors, lang)))
    hidden_warnings = len(report.warnings) - MAX_LISTED_PROBLEMS
    if hidden_warnings > 0:
        st.caption(t("data_page.more_warnings", lang, count=format_count(hidden_warnings, lang)))


def store(checked: imports.CheckedFile) -> None:
    what = f"dataset={checked.dataset} source={checked.source} year={checked.year}"
    try:
        result = imports.store_checked(engine, checked, uploaded_by=user.username)
    except StoreError as error:
        auth.audit("upload_refused", outcome="refused", page="data", detail=f"{what} errors=1 store={error.key}")
        st.error(error.message(lang))
        return
    auth.audit("upload", upload_id=result.upload_id, page="data",
               detail=f"{what} rows={result.row_count} outcome={result.outcome}")
    st.session_state[_NOTICE] = result
    st.session_state[_UPLOAD_GENERATION] = st.session_state.get(_UPLOAD_GENERATION, 0) + 1
    st.session_state.pop(_CHECKED, None)
    st.rerun()


def upload_section() -> None:
    st.header(heading("upload_heading"))
    st.caption(t("data_page.upload_intro", lang, limit=imports.MAX_UPLOAD_MB))
    left, middle, right = st.columns(3)
    dataset = left.selectbox(heading("upload_dataset"), list(DATASETS), format_func=dataset_label,
                             key="data_upload_dataset")
    source = middle.selectbox(heading("upload_source"), DATASETS[dataset].sources, format_func=source_label,
                              key=f"data_upload_source_{dataset}")
    year = right.number_input(heading("upload_year"), min_value=FIRST_YEAR, max_value=LAST_YEAR,
                              value=dt.date.today().year - 1, step=1, key="data_upload_year")
    uploaded = st.file_uploader(
        heading("upload_file"),
        type=sorted({extension.lstrip(".") for extension in EXTENSIONS}),
        max_upload_size=imports.MAX_UPLOAD_MB,
        key=f"data_upload_file_{st.session_state.get(_UPLOAD_GENERATION, 0)}",
    )
    if uploaded is None:
        return
    checked = checked_upload(uploaded, dataset, source, int(year))
    if checked is None:
        size = f"{uploaded.size / 1024 / 1024:.1f}"
        st.error(t("data_page.too_large", lang, size=size, limit=imports.MAX_UPLOAD_MB))
        return
    show_report(checked)
    if checked.ok:
        st.caption(heading("confirm_hint"))
        if st.button(heading("confirm"), type="primary", key="data_upload_confirm"):
            store(checked)


# --- rollback (admin) ----------------------------------------------------------------------------


def confirm_rollback(row: dict, uploads: pl.DataFrame) -> None:
    """The second, explicit step: say what becomes current instead, then roll back or not."""
    upload_id = row["id"]
    statuses = dict(zip(uploads["id"], uploads["status"], strict=True))
    # The replaced upload comes back only if it is still superseded (dashboard.db.store.rollback).
    reinstated = row["replaces_id"] if statuses.get(row["replaces_id"]) == "superseded" else None
    question = "rollback_confirm_alone" if reinstated is None else "rollback_confirm_reinstate"
    st.warning(t(f"data_page.{question}", lang, upload_id=upload_id, reinstated_id=reinstated))
    yes, no = st.columns(2)
    if no.button(heading("rollback_cancel"), key="data_rollback_no"):
        st.session_state.pop(_PENDING, None)
        st.rerun()
    if not yes.button(heading("rollback_confirm"), type="primary", key="data_rollback_yes"):
        return
    st.session_state.pop(_PENDING, None)
    what = f"dataset={row['dataset']} source={row['source']} year={row['year']}"
    try:
        result = rollback(engine, upload_id, by=user.username)
    except StoreError as error:  # e.g. rolled back meanwhile, in another session
        auth.audit("rollback", outcome="refused", upload_id=upload_id, page="data", detail=f"{what} store={error.key}")
        st.error(error.message(lang))
        return
    again = "" if result.reinstated_id is None else f" reinstated={result.reinstated_id}"
    auth.audit("rollback", upload_id=upload_id, page="data", detail=what + again)
    st.session_state[_NOTICE] = result
    st.session_state[_ROLLBACK_GENERATION] = st.session_state.get(_ROLLBACK_GENERATION, 0) + 1
    st.rerun()


def rollback_section(uploads: pl.DataFrame) -> None:
    st.header(heading("rollback_heading"))
    st.caption(heading("rollback_intro"))
    current = {row["id"]: row for row in uploads.filter(pl.col("status") == "current").iter_rows(named=True)}
    if not current:
        st.info(heading("no_current"))
        return

    def option(upload_id: int) -> str:
        row = current[upload_id]
        return t("data_page.rollback_option", lang, upload_id=upload_id, dataset=dataset_label(row["dataset"]),
                 source=source_label(row["source"]), year=row["year"], file=row["file_name"])

    generation = st.session_state.get(_ROLLBACK_GENERATION, 0)
    choice = st.selectbox(heading("rollback_choice"), list(current), index=None, format_func=option,
                          placeholder=heading("rollback_placeholder"), key=f"data_rollback_choice_{generation}")
    if choice is None:
        return
    if st.button(heading("rollback_button"), key="data_rollback_ask"):
        st.session_state[_PENDING] = choice
    if st.session_state.get(_PENDING) == choice:
        confirm_rollback(current[choice], uploads)


# --- the page ------------------------------------------------------------------------------------

writer = access.can_write_data(user.role)
st.title(t("login.page_data", lang))
filters.not_applicable("year", "regions", "compare")
st.caption(heading("intro"))
if not writer:
    st.caption(heading("read_only"))
notice = st.session_state.pop(_NOTICE, None)
if notice is not None:  # what the last store or rollback did, in the language of this run
    st.success(notice.message(lang))
uploads = data.uploads()

st.header(heading("catalogue_heading"))
st.dataframe(catalogue_table(uploads), hide_index=True)

if writer:
    upload_section()

st.header(heading("history_heading"))
if uploads.is_empty():
    st.info(heading("no_uploads"))
else:
    shown = st.selectbox(heading("history_filter"), [None, *DATASETS], key="data_history_dataset",
                         format_func=lambda code: heading("all_datasets") if code is None else dataset_label(code))
    st.dataframe(history_table(uploads if shown is None else uploads.filter(dataset=shown)), hide_index=True)
if writer:
    rollback_section(uploads)

st.header(heading("checks_heading"))
st.caption(heading("checks_intro"))
checks = consistency.consistency_checks(data.datasets(*DATASETS), uploads)
if checks.is_empty():
    st.info(heading("checks_none"))
else:
    warnings = checks.filter(status=consistency.WARNING).height
    summary = t("data_page.checks_summary", lang, warnings=warnings, checks=checks.height)
    (st.warning if warnings else st.success)(summary)
    st.dataframe(checks_table(checks), hide_index=True)

st.header(heading("templates_heading"))
st.caption(heading("templates_intro"))
template = st.selectbox(heading("templates_dataset"), list(DATASETS), format_func=dataset_label,
                        key="data_template_dataset")
left, right = st.columns(2)
left.download_button(heading("template_csv"), data=lambda name=template: template_bytes(name, "csv"),
                     file_name=f"{template}.csv", mime="text/csv", key="data_template_csv", on_click="ignore")
right.download_button(heading("template_xlsx"), data=lambda name=template: template_bytes(name, "xlsx"),
                      file_name=f"{template}.xlsx", mime=_XLSX, key="data_template_xlsx", on_click="ignore")
