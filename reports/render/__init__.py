"""Rendering: plain-text layout and one report per role, composed into messages."""
