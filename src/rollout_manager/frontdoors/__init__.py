"""The front doors: the `rollout` CLI and the MCP server, the only code that prints."""
