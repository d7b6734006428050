"""Streamlit building blocks shared by the pages: cached loaders, global filters, components.

The only part of `dashboard/` besides `app.py` that imports streamlit; pages call it.
"""
