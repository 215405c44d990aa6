"""Exports of one `RolloutPlan` to the engines that run it: Prometheus, Argo, Flagger, flagd."""
