"""Offline stores: the knowledge base, statutes, the event outbox, and search. No Qt here."""
