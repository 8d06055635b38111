"""Lots and their rounds: listing and publishing, the court's control, the lifecycle clock,
registrations and deposits, the one bid service, the durable hash-chained bid log, rebuilding the
engine, and what the public reads about a lot."""
