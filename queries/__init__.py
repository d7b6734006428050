"""Pure polars indicator functions: data in, DataFrame out; no streamlit, no database, no I/O."""
