"""Text toolkit shared by query-time stages: question analysis and the patterns it needs."""
