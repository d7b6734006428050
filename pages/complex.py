import streamlit as st

from dashboard.ui import filters

st.title("complex")
st.write(str(filters.current()))
