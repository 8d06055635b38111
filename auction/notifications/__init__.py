"""Notifying parties of every new node of their case: channels, subscriptions, the
dispatcher and the inbox."""
