"""Data access for the dashboard, one module per source module.

Every query a page needs lives here (aggregated in SQL on indexed columns, lists paginated),
so when a module changes its tables only its provider changes. Providers take a
:class:`~genguard.store.Store` and return plain dicts / lists, which makes them testable on
SQLite and PostgreSQL without HTTP.
"""
