"""Typed, bounded parameters.

One schema serves the sidebar widgets, the URL's query parameters, the CLI's ``--set`` and the cache key.
A scenario declares a frozen dataclass whose fields are made with :func:`param`::

    @dataclasses.dataclass(frozen=True)
    class Config(ConfigBase):
        epochs: int = param(15, label="Epochs", help="Passes over the training set.", low=1, high=200)

``Config.from_params`` turns untrusted strings (a URL, a command line) into a valid config and a list of
plain-language warnings; it never raises. Every value's length is bounded before anything parses it (also in a
scenario's own ``from_params``), and cross-field rules (``constrain``) are applied until the config no longer
changes, so a config that came out of ``from_params`` comes back unchanged from ``from_params(to_params())``.
Building a ``Config(...)`` directly with a bad value raises ``ValueError`` naming the field, what is allowed and
what was received.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any, TypeVar

MAX_VALUE_CHARS = 64  # longer strings in a URL are refused outright, never parsed
MAX_UNKNOWN_NAMED = 5  # how many unknown parameter names a warning lists
MAX_CONSTRAIN_PASSES = 5  # cross-field rules are re-applied until the config stops changing

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}

C = TypeVar("C", bound="ConfigBase")


def param(
    default: Any,
    *,
    label: str,
    help: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] | list[str] | None = None,
    step: float | None = None,
) -> Any:
    """A dataclass field that carries its widget label, help text and bounds."""
    metadata = {
        "label": label,
        "help": help,
        "low": low,
        "high": high,
        "choices": tuple(choices) if choices else None,
        "step": step,
    }
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class ParamSpec:
    """What a widget, the URL parser and ``seqcore list`` need to know about one field."""

    name: str
    kind: str  # "int" | "float" | "bool" | "choice"
    default: Any
    label: str
    help: str
    low: float | None
    high: float | None
    choices: tuple[str, ...] | None
    step: float | None

    def describe(self) -> str:
        if self.kind == "choice":
            return f"one of {', '.join(self.choices)}"
        if self.kind == "bool":
            return "true or false"
        return f"{self.kind} from {self.low} to {self.high}"


def _kind_of(default: Any, choices: tuple[str, ...] | None) -> str:
    if choices:
        return "choice"
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    raise TypeError(f"unsupported parameter default {default!r}")


def _shown(raw: str) -> str:
    """A received value as a warning may quote it: printable, short."""
    text = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return text if len(text) <= 24 else text[:21] + "..."


class ConfigBase:
    """Behaviour shared by every scenario's frozen ``Config`` dataclass."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A scenario that overrides ``from_params`` (to read a value its own way) gets the length bound first."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("from_params")
        if isinstance(own, classmethod) and not getattr(own.__func__, "_bounds_lengths", False):
            cls.from_params = classmethod(_bounding_lengths(own.__func__))  # type: ignore[method-assign]

    # -- schema ------------------------------------------------------------------------------------------
    @classmethod
    def specs(cls) -> list[ParamSpec]:
        out = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            meta = field.metadata
            out.append(
                ParamSpec(
                    name=field.name,
                    kind=_kind_of(field.default, meta.get("choices")),
                    default=field.default,
                    label=meta.get("label", field.name),
                    help=meta.get("help", ""),
                    low=meta.get("low"),
                    high=meta.get("high"),
                    choices=meta.get("choices"),
                    step=meta.get("step"),
                )
            )
        return out

    def __post_init__(self) -> None:
        for spec in self.specs():
            problem = _problem(spec, getattr(self, spec.name))
            if problem:
                raise ValueError(
                    f"{spec.name}: must be {spec.describe()}; received {getattr(self, spec.name)!r} ({problem})"
                )

    # -- untrusted input -----------------------------------------------------------------------------------
    @classmethod
    def from_params(cls: type[C], params: Mapping[str, Any] | None) -> tuple[C, list[str]]:
        """Parse strings into a valid config. Never raises: every fix is explained in a warning."""
        params, warnings = cls.bounded_params(params)
        values: dict[str, Any] = {}
        specs = cls.specs()
        for spec in specs:
            if spec.name not in params:
                continue
            value, warning = _parse(spec, params[spec.name])
            values[spec.name] = value
            if warning:
                warnings.append(warning)
        known = {spec.name for spec in specs}
        unknown = sorted(str(key) for key in params if key not in known)
        if unknown:
            named = ", ".join(_shown(name) for name in unknown[:MAX_UNKNOWN_NAMED])
            more = f" and {len(unknown) - MAX_UNKNOWN_NAMED} more" if len(unknown) > MAX_UNKNOWN_NAMED else ""
            warnings.append(f"Ignored {len(unknown)} unknown parameter(s): {named}{more}.")
        config = cls(**values)
        for _ in range(MAX_CONSTRAIN_PASSES):  # until a fixed point: the fixed config must not be fixed again
            fixed, cross_warnings = config.constrain()
            warnings += cross_warnings
            if fixed == config:
                break
            config = fixed
        return config, warnings

    @classmethod
    def bounded_params(cls, params: Mapping[str, Any] | None) -> tuple[dict[str, str], list[str]]:
        """Untrusted params as one short string each (a repeated parameter: the last one), before any parsing:
        a known parameter whose value is too long is dropped (so it keeps its default) with a warning that
        does not repeat it; an unknown one keeps its name only (it is reported as unknown)."""
        specs = {spec.name: spec for spec in cls.specs()}
        out: dict[str, str] = {}
        warnings: list[str] = []
        for name, raw in dict(params or {}).items():
            if isinstance(raw, (list, tuple)):  # a repeated query parameter: the last one wins
                raw = raw[-1] if raw else ""
            try:
                text = raw if isinstance(raw, str) else str(raw)
            except ValueError:  # an int too long to turn into a string
                text = "9" * (MAX_VALUE_CHARS + 1)
            if len(text.strip()) <= MAX_VALUE_CHARS:
                out[name] = text
            elif name in specs:
                spec = specs[name]
                warnings.append(
                    f"{spec.label} ({spec.name}): the value is {len(text.strip()):,} characters long; "
                    f"using the default {spec.default}."
                )
            else:
                out[name] = ""
        return out, warnings

    def points(self) -> int:
        """How many runs this configuration counts as in the fair queue (a scenario with a sweep overrides this
        to return the number of points its sweep trains); 1 by default."""
        return 1

    def work(self) -> float:
        """How much training this configuration asks for, in the scenario's own units (a scenario overrides
        this); the page scales the default run's measured time by it to say about how long a run takes."""
        return float(getattr(self, "epochs", 1))

    def constrain(self: C) -> tuple[C, list[str]]:
        """Rules that involve several fields (a scenario overrides this). Returns a fixed config + warnings."""
        return self, []

    # -- output ---------------------------------------------------------------------------------------------
    def to_params(self) -> dict[str, str]:
        """Every field as a string; ``from_params(to_params())`` gives the same config back."""
        out = {}
        for spec in self.specs():
            value = getattr(self, spec.name)
            out[spec.name] = ("true" if value else "false") if spec.kind == "bool" else str(value)
        return out

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    def config_hash(self) -> str:
        """Stable across processes and runs: the cache key's config part."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def replace(self: C, **changes: Any) -> C:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


def _bounding_lengths(from_params: Any) -> Any:
    """Wrap a scenario's own ``from_params`` so that it only ever sees bounded values."""

    def bounded(cls: type, params: Mapping[str, Any] | None) -> tuple[Any, list[str]]:
        short, warnings = cls.bounded_params(params)
        config, more = from_params(cls, short)
        return config, warnings + more

    bounded._bounds_lengths = True  # type: ignore[attr-defined]
    bounded.__doc__ = from_params.__doc__
    bounded.__name__ = from_params.__name__
    return bounded


def _problem(spec: ParamSpec, value: Any) -> str:
    """Why ``value`` is not allowed for ``spec``, or '' when it is."""
    if spec.kind == "choice":
        return "" if value in spec.choices else "not a listed choice"
    if spec.kind == "bool":
        return "" if isinstance(value, bool) else "not a boolean"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "not a number"
    if spec.kind == "int" and not isinstance(value, int):
        return "not a whole number"
    if not math.isfinite(value):
        return "not finite"
    if spec.low is not None and value < spec.low:
        return "below the minimum"
    if spec.high is not None and value > spec.high:
        return "above the maximum"
    return ""


def _parse(spec: ParamSpec, raw: str) -> tuple[Any, str]:
    """One untrusted string → (allowed value, warning or '')."""
    text = raw.strip()
    head = f"{spec.label} ({spec.name})"
    default = spec.default
    if len(text) > MAX_VALUE_CHARS:  # (bounded_params drops these first; a direct caller may not have)
        return default, f"{head}: the value is {len(text):,} characters long; using the default {default}."
    if spec.kind == "choice":
        if text in spec.choices:
            return text, ""
        return default, (
            f"{head}: '{_shown(text)}' is not one of {', '.join(spec.choices)}; using the default {default}."
        )
    if spec.kind == "bool":
        word = text.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS, ""
        return default, f"{head}: '{_shown(text)}' is not true or false; using the default {default}."
    try:
        number = float(text)
    except ValueError:
        return default, f"{head}: '{_shown(text)}' is not a number; using the default {default}."
    if not math.isfinite(number):
        return default, f"{head}: '{_shown(text)}' is not a finite number; using the default {default}."
    warning = ""
    if spec.low is not None and number < spec.low:
        number, warning = spec.low, f"{head}: {_shown(text)} is below the minimum {spec.low}; using {spec.low}."
    elif spec.high is not None and number > spec.high:
        number, warning = spec.high, f"{head}: {_shown(text)} is above the maximum {spec.high}; using {spec.high}."
    if spec.kind == "int":
        whole = int(round(number))
        if whole != number and not warning:
            warning = f"{head}: {_shown(text)} is not a whole number; using {whole}."
        return whole, warning
    return float(number), warning
