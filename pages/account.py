"""Mon compte: change one's password; enrol a second factor where it is optional."""

import streamlit as st

from dashboard.auth import accounts
from dashboard.i18n import t
from dashboard.ui import auth, data, filters

user = auth.require("account")
lang = filters.current().lang
st.title(t("login.page_account", lang))
filters.not_applicable("year", "regions", "compare")
account = accounts.get_account(data.engine(), user.username)
st.markdown(t("login.account_line", lang, name=user.display_name, role=t(f"login.role_{user.role}", lang)))
second_factor = "login.totp_on" if account and account.totp_enrolled else "login.totp_off"
st.markdown(t(second_factor, lang))
st.subheader(t("login.change_title", lang))
if auth.password_form(data.engine(), user.username, lang, key="cii-account-password", ask_current=True):
    st.success(t("login.password_changed", lang))
