"""Understanding complaints: business type, cause, card kind, flags, branch and business channel
read from the complainant's words, with a confidence, a triage verdict and the reasons.

Pure: text in, values out. The caller loads the model's bytes (Model.from_bytes) and the
configured branches, builds one Reader per process, and calls Reader.read for each case.
"""

from complaints.domain.understanding.corpus import LabelledComplaint, parse_lines
from complaints.domain.understanding.document import Analyser, Document, build_analyser
from complaints.domain.understanding.flags import Detection
from complaints.domain.understanding.model import Model, ModelFormatError
from complaints.domain.understanding.reader import Reader, Tuning, Understanding
from complaints.domain.understanding.training import (
    Example,
    TrainingParameters,
    TrainingRefused,
    model_version,
    train,
)
from complaints.domain.understanding.unit_confidence import (
    UNIT_CONFIDENCE_THRESHOLD,
    RoutingVerdict,
    routing_verdict,
    unit_confidence,
)

__all__ = [
    "UNIT_CONFIDENCE_THRESHOLD",
    "Analyser",
    "Detection",
    "Document",
    "Example",
    "LabelledComplaint",
    "Model",
    "ModelFormatError",
    "Reader",
    "RoutingVerdict",
    "TrainingParameters",
    "TrainingRefused",
    "Tuning",
    "Understanding",
    "build_analyser",
    "model_version",
    "parse_lines",
    "routing_verdict",
    "train",
    "unit_confidence",
]
