"""Reading the declarative configuration file, with errors that name the line."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from complaints.errors import InvalidInput
from complaints.schemas.config import OrganisationConfig

DEMO_CONFIG = Path(__file__).parent / "demo" / "reference_bank.yaml"


@dataclass(frozen=True)
class LoadedConfig:
    config: OrganisationConfig
    source: str
    sha256: str


def load_config(path: Path) -> LoadedConfig:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput(f"{path}: not valid YAML: {error}") from error
    try:
        config = OrganisationConfig.model_validate(data)
    except ValidationError as error:
        lines = [
            f"{path}:{_line_of(text, item['loc'])}: {'.'.join(map(str, item['loc'])) or '(file)'}: "
            f"{item['msg']}"
            for item in error.errors()
        ]
        raise InvalidInput("invalid configuration:\n" + "\n".join(lines)) from error
    return LoadedConfig(config, str(path), hashlib.sha256(text.encode()).hexdigest())


def _line_of(text: str, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the deepest YAML node the error location still reaches."""
    node = yaml.compose(text)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        else:
            child = None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1 if node is not None else 1
