"""The domain model: what is read from the documents and the plan built from it.

Every type here is part of the contract users rely on (``rollout plan --json``
and the published JSON Schema). Rates are fractions (0.008), latencies are
milliseconds, money is in the documents' currency, times are ISO 8601 with an
offset. Field docstrings become the schema's descriptions.

One module a theme: `evidence` (the base type and `Fact`), `documents` (what the
context folder states), `metrics` (the baseline numbers and traffic), `risk`,
`decisions` (thresholds, gate tests, rollback boundaries), `stages` (the ramp and
its calendar), `monitoring`, `communication` (messages, checklists, rollback
steps) and `plan` (`RolloutPlan` itself). Import from here.
"""

from rollout_manager.model.communication import (
    Communication,
    GateChecklist,
    MessageTemplate,
    RollbackStep,
    Stakeholder,
)
from rollout_manager.model.decisions import (
    BoundaryPoint,
    Criteria,
    Decision,
    DecisionSummary,
    GateTest,
    Op,
    Purpose,
    SequentialBoundary,
    Threshold,
)
from rollout_manager.model.documents import (
    BaselineFacts,
    ChangeType,
    Dependency,
    FeatureFacts,
    NamedFreeze,
    PeakWindow,
    RollbackMechanism,
    RolloutContext,
)
from rollout_manager.model.evidence import Evidence, Fact
from rollout_manager.model.metrics import (
    Baseline,
    Direction,
    ErrorShare,
    Metric,
    MetricKind,
    Traffic,
)
from rollout_manager.model.monitoring import (
    Alert,
    Dashboard,
    MonitoredMetric,
    Monitoring,
    OnCall,
    Severity,
)
from rollout_manager.model.plan import FeatureSummary, PlaybookUse, RolloutPlan
from rollout_manager.model.risk import Level, RiskAssessment, RiskFactor, Strategy
from rollout_manager.model.stages import ALL_TRAFFIC_PERCENT, Schedule, Stage, StatisticsSettings

__all__ = [
    "ALL_TRAFFIC_PERCENT",
    "Alert",
    "Baseline",
    "BaselineFacts",
    "BoundaryPoint",
    "ChangeType",
    "Communication",
    "Criteria",
    "Dashboard",
    "Decision",
    "DecisionSummary",
    "Dependency",
    "Direction",
    "ErrorShare",
    "Evidence",
    "Fact",
    "FeatureFacts",
    "FeatureSummary",
    "GateChecklist",
    "GateTest",
    "Level",
    "MessageTemplate",
    "Metric",
    "MetricKind",
    "MonitoredMetric",
    "Monitoring",
    "NamedFreeze",
    "OnCall",
    "Op",
    "PeakWindow",
    "PlaybookUse",
    "Purpose",
    "RiskAssessment",
    "RiskFactor",
    "RollbackMechanism",
    "RollbackStep",
    "RolloutContext",
    "RolloutPlan",
    "Schedule",
    "SequentialBoundary",
    "Severity",
    "Stage",
    "Stakeholder",
    "StatisticsSettings",
    "Strategy",
    "Threshold",
    "Traffic",
]
