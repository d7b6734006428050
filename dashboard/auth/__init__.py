"""Access and trust (DESIGN.md §5): keys, passwords, accounts, TOTP, sessions, the audit log.

Pure Python and SQLAlchemy: nothing here imports streamlit, so the command line and the tests
use the same functions as the login gate in ``dashboard/ui/auth.py``.
"""
