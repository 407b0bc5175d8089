"""What a reader sees on a laid-out PDF page, read from WeasyPrint's boxes: how full each page
is, and whether a table head's words stay whole and inside their column."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint import Document
from weasyprint.formatting_structure import boxes

EPSILON = 0.5  # CSS px


def descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from descendants(child)


@dataclass(frozen=True)
class BrokenHead:
    page: int
    head: str
    problem: str


def broken_heads(document: Document) -> list[BrokenHead]:
    """Table heads (th in thead) with a line that is not made of whole words of the head, or
    that runs past its cell's content box."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        heads = [cell for group in descendants(page._page_box)
                 if isinstance(group, boxes.TableRowGroupBox) and group.is_header
                 for cell in descendants(group)
                 if isinstance(cell, boxes.TableCellBox) and cell.element_tag == "th"]
        for box in heads:
            lines = [line for line in descendants(box) if isinstance(line, boxes.LineBox)]
            texts = ["".join(text.text for text in descendants(line)
                             if isinstance(text, boxes.TextBox)) for line in lines]
            head = " ".join(" ".join(texts).split())
            if not head:
                continue
            words = set("".join(box.element.itertext()).split())
            right = box.content_box_x() + box.width
            for line, text in zip(lines, texts, strict=True):
                for word in text.split():
                    if word not in words:
                        problems.append(BrokenHead(number, head, f"word cut: {word!r}"))
                for text_box in descendants(line):
                    if (isinstance(text_box, boxes.TextBox)
                            and text_box.position_x + text_box.width > right + EPSILON):
                        problems.append(BrokenHead(number, head,
                                                   f"runs past its column: {text_box.text!r}"))
    return problems



def overflowing_cells(document: Document) -> list[BrokenHead]:
    """Table cells (heads and body) with text that runs past the cell's right edge, into the
    next column."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        for cell in descendants(page._page_box):
            if not isinstance(cell, boxes.TableCellBox):
                continue
            right = cell.content_box_x() + cell.width
            for text_box in descendants(cell):
                if (isinstance(text_box, boxes.TextBox)
                        and text_box.position_x + text_box.width > right + EPSILON):
                    problems.append(BrokenHead(number, text_box.text,
                                               "runs past its column"))
    return problems


def outside_the_page(document: Document) -> list[BrokenHead]:
    """Table cells whose box runs past the right edge of the page's content area (into the
    margin, where a printer may cut it)."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box  # noqa: SLF001 - the laid-out boxes, as above
        right = page_box.content_box_x() + page_box.width
        for cell in descendants(page_box):
            if (isinstance(cell, boxes.TableCellBox)
                    and cell.border_box_x() + cell.border_width() > right + EPSILON):
                text = " ".join("".join(cell.element.itertext()).split())
                problems.append(BrokenHead(number, text, "runs past the page's edge"))
    return problems
