"""API operations declared once, in code: the route, its permission and its shapes.

``operation`` registers the Flask route with ``@requires`` and records the
pydantic models it answers with, so ``openapi()`` describes exactly the
routes that exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.schemas import Error
from app.policy import Permission, requires

_REF = "#/components/schemas/{model}"
_ERRORS = {
    400: "A parameter is not valid",
    401: "No valid token was given",
    403: "The token's user may not do this",
    404: "Not found",
    429: "Too many requests with this token; see Retry-After",
}


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: str = ""


@dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    permission: Permission
    response: type[BaseModel] | None
    body: type[BaseModel] | None = None
    query: tuple[Param, ...] = ()
    extra_statuses: dict[int, str] = field(default_factory=dict)
    media_type: str = "application/json"
    path_enums: dict[str, list[str]] = field(default_factory=dict)
    file_field: str | None = None

    @property
    def path(self) -> str:
        return _CONVERTER.sub(r"{\2}", self.rule)


OPERATIONS: list[Operation] = []


def operation(
    bp: Blueprint,
    rule: str,
    *,
    method: str = "GET",
    summary: str,
    permission: Permission,
    response: type[BaseModel] | None,
    body: type[BaseModel] | None = None,
    query: tuple[Param, ...] = (),
    statuses: dict[int, str] | None = None,
    media_type: str = "application/json",
    path_enums: dict[str, list[str]] | None = None,
    file_field: str | None = None,
) -> Callable:
    def decorate(view: Callable) -> Callable:
        OPERATIONS.append(Operation(
            rule=bp.url_prefix + rule, method=method, endpoint=f"{bp.name}.{view.__name__}", summary=summary,
            permission=permission, response=response, body=body, query=query,
            extra_statuses=statuses or {}, media_type=media_type,
            path_enums=path_enums or {}, file_field=file_field,
        ))
        return bp.route(rule, methods=[method])(requires(permission)(view))

    return decorate


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(rule: str, enums: dict[str, list[str]]) -> tuple[str, list[dict]]:
    params = []
    for converter, name in _CONVERTER.findall(rule):
        schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if converter == "int" else {"type": "string"}
        if name in enums:
            schema = {"type": "string", "enum": enums[name]}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _CONVERTER.sub(r"{\2}", rule), params


def _content(model: type[BaseModel]) -> dict:
    return {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}}


def openapi(title: str, version: str) -> dict:
    models = {Error}
    for op in OPERATIONS:
        models.update(m for m in (op.response, op.body) if m is not None)
    _, definitions = models_json_schema(
        [(model, "validation" if model is not None and any(model is op.body for op in OPERATIONS) else "serialization")
         for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=_REF,
    )
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path, params = _path(op.rule, op.path_enums)
        params += [{"name": p.name, "in": "query", "required": False, "schema": p.schema,
                    "description": p.description} for p in op.query]
        ok = "201" if op.method == "POST" else "200"
        if op.response is None:
            success = {"description": "A table", "content": {
                op.media_type: {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            }}
        else:
            success = {"description": "OK", "content": _content(op.response)}
        responses = {ok: success}
        for status, text in {**_ERRORS, **op.extra_statuses}.items():
            responses[str(status)] = {"description": text, "content": _content(Error)}
        spec = {
            "operationId": op.endpoint.replace(".", "_"),
            "summary": op.summary,
            "description": f"Needs the permission `{op.permission.value}`.",
            "parameters": params,
            "responses": responses,
        }
        if op.body is not None:
            spec["requestBody"] = {"required": True, "content": _content(op.body)}
        if op.file_field is not None:
            spec["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": [op.file_field],
                "properties": {op.file_field: {"type": "string", "format": "binary"}},
            }}}}
        paths.setdefault(path, {})[op.method.lower()] = spec
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
    }
