"""What the public is told: notice texts and their publication, the confirmation of a sale,
announcements, the enforcement lists and their exports, the parties' look-up, statistics,
rewards and property clues."""
