"""Shared plumbing: settings, the database session, embedded services.

Sits at the bottom of the import graph: it imports none of `auction`, `bidding_engine`,
`settlement` or `web`.
"""
