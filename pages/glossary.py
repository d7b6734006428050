import streamlit as st

from dashboard.ui import filters

st.title("glossary")
st.write(str(filters.current()))
