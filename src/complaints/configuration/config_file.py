"""Reading the declarative configuration file, with errors that name the line."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from complaints.errors import InvalidInput
from complaints.schemas.config import OrganisationConfig

DEMO_CONFIG = Path(__file__).parents[1] / "demo" / "reference_bank.yaml"


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates and times of day as text for the schema to check.

    Plain YAML 1.1 turns `2026-02-30` into a crash without a line number and `12:00` into the
    base-60 number 720; as text, a bad one is reported with its line like any other error.
    """


_TIMESTAMP, _INT = "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int"
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        # The timestamp resolver, and the int resolver whose pattern also reads base 60.
        if tag != _TIMESTAMP and not (tag == _INT and regexp.match("1:00"))
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


@dataclass(frozen=True)
class LoadedConfig:
    config: OrganisationConfig
    source: str
    sha256: str


def load_config(path: Path) -> LoadedConfig:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader
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
