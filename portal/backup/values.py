"""Column values as JSON and back, exactly: dates, times, decimals and bytes are tagged."""

from __future__ import annotations

import base64
import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict | list):
        return {"$json": value}
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


DECODERS = {
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
    "$decimal": Decimal,
    "$bytes": base64.b64decode,
    "$json": lambda value: value,
}


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        ((tag, raw),) = value.items()
        return DECODERS[tag](raw)
    return value
