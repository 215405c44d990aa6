"""Rendering: the plan's Markdown sections and whole document from Jinja2 templates."""
