"""The fitted statistical model: TF-IDF weights and one linear classifier per question.

Reading needs only numpy: the vocabulary, the inverse document frequencies and, per head
(business type, cause, card kind, business channel), the coefficients and intercepts of a
multinomial logistic regression. scikit-learn is needed to fit them (training.py), not to use
them, which keeps it (and its ~100 MB) out of the routing worker.

The bytes are a small JSON header and a numpy archive read with allow_pickle=False: a model file
is data, never code, so a tampered file can fail to load but cannot run anything.
"""

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

MAGIC = b"complaints-understanding-model\n"
FORMAT = 1

Floats = npt.NDArray[np.float32]
# A document's TF-IDF vector: (feature indexes, values).
Vector = tuple[npt.NDArray[np.intp], Floats]


class ModelFormatError(ValueError):
    """The bytes are not a model this code can read (corrupt, truncated, another format)."""


@dataclass(frozen=True)
class Head:
    """One question the model answers, e.g. the business type, over its classes."""

    classes: tuple[str, ...]
    coef: Floats  # (features, classes)
    intercept: Floats  # (classes,)


@dataclass(frozen=True)
class Contribution:
    feature: str
    weight: float


class Model:
    def __init__(
        self,
        *,
        version: str,
        vocabulary: Mapping[str, int],
        idf: Floats,
        heads: Mapping[str, Head],
        parameters: Mapping[str, Any],
    ) -> None:
        self.version = version
        self.vocabulary = dict(vocabulary)
        self._names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        self.idf = idf
        self.heads = dict(heads)
        self.parameters = dict(parameters)
        for name, head in self.heads.items():
            if head.coef.shape != (len(self.vocabulary), len(head.classes)):
                raise ModelFormatError(f"head {name}: coefficients do not fit the vocabulary")
            if head.intercept.shape != (len(head.classes),):
                raise ModelFormatError(f"head {name}: intercepts do not fit the classes")
        if idf.shape != (len(self.vocabulary),):
            raise ModelFormatError("idf does not fit the vocabulary")
        # Every head's coefficients side by side: one gather and one product answer all of them.
        names = list(self.heads)
        self._columns = np.hstack([self.heads[n].coef for n in names]) if names else np.zeros((len(idf), 0))
        self._intercepts = np.concatenate([self.heads[n].intercept for n in names]) if names else np.zeros(0)
        self._slices: dict[str, slice] = {}
        start = 0
        for name in names:
            width = len(self.heads[name].classes)
            self._slices[name] = slice(start, start + width)
            start += width

    def vector(self, counts: Mapping[str, float]) -> Vector:
        """The document's TF-IDF vector as (feature indexes, L2-normalised values)."""
        found = np.fromiter(map(self.vocabulary.get, counts, repeat(-1)), dtype=np.intp, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        keep = (found >= 0) & (weights > 0)
        where = found[keep]
        # Sublinear tf on weighted counts: log1p keeps a weight below one positive.
        tfidf = np.log1p(weights[keep]) * self.idf[where]
        norm = float(np.linalg.norm(tfidf))
        return where, (tfidf / norm if norm > 0 else tfidf)

    def probabilities(self, head: str, vector: Vector) -> dict[str, float]:
        return self.all_probabilities(vector)[head]

    def all_probabilities(self, vector: Vector) -> dict[str, dict[str, float]]:
        """Every head's class probabilities for one document."""
        where, values = vector
        scores = values @ self._columns[where] + self._intercepts
        answers: dict[str, dict[str, float]] = {}
        for name, columns in self._slices.items():
            head = scores[columns]
            exp = np.exp(head - head.max())
            answers[name] = dict(zip(self.heads[name].classes, (exp / exp.sum()).tolist(), strict=True))
        return answers

    def contributions(self, head: str, category: str, vector: Vector, *, top: int = 5) -> list[Contribution]:
        """The features that pushed hardest towards `category`, for the explanation."""
        model = self.heads[head]
        if category not in model.classes:
            return []
        where, values = vector
        column = model.classes.index(category)
        # Against the mean of the other classes: what makes this class win, not merely positive.
        coef = model.coef[where]
        width = coef.shape[1]
        own = coef[:, column]
        others = (coef.sum(axis=1) - own) / (width - 1) if width > 1 else 0.0
        push = values * (own - others)
        order = np.argpartition(-push, top)[:top] if len(push) > top else np.arange(len(push))
        order = order[np.argsort(-push[order])]
        return [Contribution(self._names[int(where[i])], float(push[i])) for i in order if push[i] > 0]

    def to_bytes(self) -> bytes:
        features = self._names
        header = {
            "format": FORMAT,
            "version": self.version,
            "parameters": self.parameters,
            "features": features,
            "heads": {name: list(head.classes) for name, head in self.heads.items()},
        }
        arrays: dict[str, Floats] = {"idf": self.idf}
        for name, head in self.heads.items():
            arrays[f"{name}.coef"] = head.coef
            arrays[f"{name}.intercept"] = head.intercept
        buffer = io.BytesIO()
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        encoded = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return MAGIC + len(encoded).to_bytes(8, "big") + encoded + buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Model":
        if not data.startswith(MAGIC):
            raise ModelFormatError("not a complaints understanding model")
        try:
            offset = len(MAGIC)
            size = int.from_bytes(data[offset : offset + 8], "big")
            header = json.loads(data[offset + 8 : offset + 8 + size].decode("utf-8"))
            if header.get("format") != FORMAT:
                raise ModelFormatError(f"model format {header.get('format')!r}; this code reads {FORMAT}")
            with np.load(io.BytesIO(data[offset + 8 + size :]), allow_pickle=False) as arrays:
                heads = {
                    name: Head(
                        classes=tuple(classes),
                        coef=np.asarray(arrays[f"{name}.coef"], dtype=np.float32),
                        intercept=np.asarray(arrays[f"{name}.intercept"], dtype=np.float32),
                    )
                    for name, classes in header["heads"].items()
                }
                idf = np.asarray(arrays["idf"], dtype=np.float32)
            return cls(
                version=str(header["version"]),
                vocabulary={feature: index for index, feature in enumerate(header["features"])},
                idf=idf,
                heads=heads,
                parameters=header["parameters"],
            )
        except ModelFormatError:
            raise
        except Exception as error:  # zip, JSON, key and shape errors alike: the file is damaged
            raise ModelFormatError(f"damaged model: {type(error).__name__}: {error}") from error
