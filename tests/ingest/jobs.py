"""Jobs for the sandbox tests: each misbehaves the way a parser can on a hostile file."""

import ctypes
import os
import time


def echo(item: str) -> str:
    return item.upper()


def hang(item: str) -> None:
    while True:
        time.sleep(0.01)


def spin(item: str) -> None:
    while True:  # pure computation, as a parser in an endless loop
        pass


def hog(item: str) -> bytes:
    return b"x" * (int(item) * 2**20)  # touches every page


def crash(item: str) -> None:
    if item == "segfault":
        ctypes.string_at(0)
    os._exit(3)


def fail(item: str) -> None:
    raise {"value": ValueError, "overflow": OverflowError, "encode": UnicodeEncodeError}[item](
        *(["utf-8", "\udc20", 0, 1, "surrogates not allowed"] if item == "encode" else ["kaputt"]))
