"""Pure planning: risk, stages, decision rules, monitoring and communication."""
