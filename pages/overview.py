import streamlit as st

from dashboard.ui import filters

st.title("overview")
st.write(str(filters.current()))
