import streamlit as st

from dashboard.ui import filters

st.title("coaching")
st.write(str(filters.current()))
