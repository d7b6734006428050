"""Mon compte: change one's password; enrol a second factor where it is optional."""

import streamlit as st

from dashboard.auth import accounts
from dashboard.i18n import t
from dashboard.ui import auth, data, filters

user = auth.require("account")
lang = filters.current().lang
engine = data.engine()
st.title(t("login.page_account", lang))
filters.not_applicable("year", "regions", "compare")
account = accounts.get_account(engine, user.username)
st.markdown(t("login.account_line", lang, name=user.display_name, role=t(f"login.role_{user.role}", lang)))
st.markdown(t("login.totp_on" if account and account.totp_enrolled else "login.totp_off", lang))

ENROLLING = "_cii_account_enrolling"  # the secret being enrolled, between reruns
if account and not account.totp_enrolled:
    if st.button(t("login.enrol_start", lang), key="cii-enrol-start"):
        st.session_state[ENROLLING] = {}
    if ENROLLING in st.session_state and auth.enrol_form(engine, user.username, lang, st.session_state[ENROLLING]):
        del st.session_state[ENROLLING]
        st.success(t("login.enrol_done", lang))

st.subheader(t("login.change_title", lang))
if auth.password_form(engine, user.username, lang, key="cii-account-password", ask_current=True):
    st.success(t("login.password_changed", lang))
