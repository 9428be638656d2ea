"""The newsletter: double opt-in sign-up, digests of new columns, one-click unsubscribe."""
