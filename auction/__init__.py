"""The domain: courts, enforcement cases, claims, property, lots and their rounds, bidder
registrations and deposits, announcements, the rule profiles (pure), the lot lifecycle,
public disclosure. Imports `bidding_engine` and `settlement`, never `web`.
"""
