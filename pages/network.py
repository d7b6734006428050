import streamlit as st

from dashboard.ui import filters

st.title("network")
st.write(str(filters.current()))
