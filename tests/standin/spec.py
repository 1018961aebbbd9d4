"""Discord's OpenAPI document as a validator for the requests the bot makes.

The whole document is one `referencing` resource, so every `$ref` resolves inside it; a validator
is compiled once per (route, method) and reused, so checking a request costs only the body.

The document is `MEND_DISCORD_SPEC`, else `../shared/discord-api/openapi.json` beside this
repository. Without it the stand-in serves requests unchecked, and the test run says so once
(`notice()`); with `CI=true` a missing document fails the run instead.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BESIDE_THE_REPOSITORY = Path(__file__).resolve().parents[3] / "shared" / "discord-api" / "openapi.json"
VARIABLE = "MEND_DISCORD_SPEC"
_URI = "urn:discord:openapi"


def spec_path() -> Path:
    return Path(os.environ.get(VARIABLE) or BESIDE_THE_REPOSITORY)


def notice() -> str | None:
    """One line saying that requests go unchecked and how to check them, or None if the spec is there."""
    if spec_path().is_file():
        return None
    return (
        f"Discord request validation is off: there is no {spec_path()}. To turn it on, set "
        f"{VARIABLE}=path/to/openapi.json (specs/openapi.json in Discord's discord-api-spec repository)."
    )


@cache
def load_spec() -> Spec | None:
    """The spec, read once for the whole test run; None when it is missing (see `notice`)."""
    return Spec(spec_path()) if spec_path().is_file() else None


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


class Spec:
    """Looks up operations and validates request bodies against Discord's published spec."""

    def __init__(self, path: Path) -> None:
        self.document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_URI, resource)
        self.validator_for = cache(self._validator_for)

    def locales(self) -> set[str]:
        """Discord's locales, the keys a localisation may have."""
        return {choice["const"] for choice in self.document["components"]["schemas"]["AvailableLocalesEnum"]["oneOf"]}

    def has_operation(self, template: str, method: str) -> bool:
        return method.lower() in self.document["paths"].get(template, {})

    def _validator_for(self, template: str, method: str) -> Draft202012Validator | None:
        operation = self.document["paths"][template][method.lower()]
        if "requestBody" not in operation:
            return None
        pointer = f"#/paths/{_escape(template)}/{method.lower()}/requestBody/content/application~1json/schema"
        return Draft202012Validator({"$ref": _URI + pointer}, registry=self._registry)

    def problems(self, template: str, method: str, body: Any) -> list[str]:
        """What is wrong with `body` for this operation; empty when it is valid."""
        if not self.has_operation(template, method):
            return [f"{method} {template} is not an operation in Discord's spec"]
        validator = self.validator_for(template, method)
        if validator is None:
            return [] if body is None else [f"{method} {template} takes no request body"]
        if body is None:
            operation = self.document["paths"][template][method.lower()]
            required = operation["requestBody"].get("required", False)
            return [f"{method} {template} needs a JSON body"] if required else []
        error = best_match(validator.iter_errors(body))
        if error is None:
            return []
        where = "/".join(str(part) for part in error.absolute_path) or "(body)"
        return [f"{method} {template}: {where}: {error.message[:300]}"]
