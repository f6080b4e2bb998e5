"""Flag detectors, one concept each, every one returning the words that made it fire.

Each detector's own rules decide first. Where the model has a head for the flag (trained on the
corpus's flag labels), it is a second opinion for wordings the rules do not know: the flag also
holds when the model gives it at least `LEARNED_THRESHOLD`, and the evidence then says so and
names the words that weighed most. Cross-validation on the training corpus chose the threshold:
rules or model at 0.7 beat either alone on F1 for every flag (bench/classification_cv.py).
"""

from collections.abc import Callable, Mapping

from complaints.domain.understanding.document import Document
from complaints.domain.understanding.flags import (
    aggressive,
    confidential,
    group,
    information_security,
    malicious,
    media,
    repeat,
    vip,
)
from complaints.domain.understanding.flags.common import Detection
from complaints.domain.vocabulary import Flag

LEARNED_THRESHOLD = 0.7

DETECTORS: dict[Flag, Callable[[Document], Detection | None]] = {
    Flag.INFORMATION_SECURITY: information_security.detect,
    Flag.MEDIA: media.detect,
    Flag.GROUP: group.detect,
    Flag.MALICIOUS: malicious.detect,
    Flag.REPEAT: repeat.detect,
    Flag.CONFIDENTIAL: confidential.detect,
    Flag.VIP: vip.detect,
    Flag.AGGRESSIVE: aggressive.detect,
}


def detect_flags(
    document: Document,
    *,
    learned: Mapping[Flag, tuple[float, tuple[str, ...]]] | None = None,
    threshold: float = LEARNED_THRESHOLD,
) -> dict[Flag, Detection]:
    """The flags that hold. `learned`: per flag, the model's probability and its weightiest words."""
    found: dict[Flag, Detection] = {}
    for flag, detector in DETECTORS.items():
        detection = detector(document)
        if detection is None and learned is not None and flag in learned:
            probability, words = learned[flag]
            if probability >= threshold:
                detection = Detection(flag, (f"model {probability:.2f}", *words))
        if detection is not None:
            found[flag] = detection
    return found


__all__ = ["DETECTORS", "LEARNED_THRESHOLD", "Detection", "detect_flags"]
