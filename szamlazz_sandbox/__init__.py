"""A local stand-in for Számlázz.hu's Számla Agent, for tests over real HTTP on loopback."""
