import streamlit as st

from dashboard.ui import filters

st.title("youth")
st.write(str(filters.current()))
