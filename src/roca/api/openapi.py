"""Request bodies that routes read raw (to hash them exactly as sent) still get documented."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

REF = "#/components/schemas/{model}"


def body_ref(model: type[BaseModel], *, array: bool = False, ndjson: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"$ref": REF.format(model=model.__name__)}
    content: dict[str, Any] = {
        "application/json": {"schema": {"type": "array", "items": schema} if array else schema}
    }
    if ndjson:
        content["application/x-ndjson"] = {"schema": {"type": "string", "description": "one case per line"}}
    return {"requestBody": {"required": True, "content": content}}


def publish_models(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Add models read from raw bodies to ``components.schemas`` of the published document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = document.setdefault("components", {}).setdefault("schemas", {})
            for model in models:
                schema = model.model_json_schema(ref_template=REF)
                components.update(schema.pop("$defs", {}))
                components[model.__name__] = schema
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
