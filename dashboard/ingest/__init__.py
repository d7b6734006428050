"""File → frame → validated frame: readers, parsers, validation and the privacy guard.

Nothing here imports streamlit or sqlalchemy: the same code serves the command line, the
Données page and the tests.
"""
