"""Orpheus accounts: sign-up, trials, approval, lockout, enforcement (hub side)."""
