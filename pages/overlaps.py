import streamlit as st

from dashboard.ui import filters

st.title("overlaps")
st.write(str(filters.current()))
