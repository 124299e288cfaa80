"""Helpers of the addon that are not models: plain functions, no ORM state."""
