import streamlit as st

from dashboard.ui import filters

st.title("resources")
st.write(str(filters.current()))
