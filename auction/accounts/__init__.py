"""Accounts and who may act: courts, users and their sessions, passwords, identity numbers
(GB 11643 and, for companies, GB 32100), the access checks every court action starts with."""
