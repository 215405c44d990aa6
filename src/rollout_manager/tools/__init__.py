"""The tool registry and `dispatch`, and the tools every front door calls."""
