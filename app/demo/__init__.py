"""Demonstration data for newcomers: `flask demo load` (staff for every role and ~200
complaints in every state) and `flask demo links` (fresh sign-in links). Development only."""
