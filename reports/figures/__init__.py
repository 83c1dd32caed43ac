"""Figures: pure functions over the Portfolio."""
