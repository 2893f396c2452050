#!/usr/bin/env python3
"""Checks that every link inside the built book (docs/book) and the top-level
Markdown files leads somewhere: the file exists and, for a `#fragment`, the
page has an element with that id. Links to other sites are not followed (the
machines that build this may not reach them); they are counted.

Usage: scripts/check-links.py BOOK_DIR [MARKDOWN_FILE...]
Exit 1 with one line per broken link.
"""
import functools
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "img", "script", "link"):
                self.links.append(attrs[key])


@functools.cache
def parse(path):
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def external(link):
    parts = urlsplit(link)
    return bool(parts.scheme) or link.startswith("//")


def check_target(source, link, root):
    """None if `link` (relative to the file `source`) resolves, else why not."""
    parts = urlsplit(link)
    if parts.path.startswith("/"):
        return "an absolute path: it depends on where the book is served"
    target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
    if target.is_dir():
        target = target / "index.html"
    if not target.exists():
        return "no such file"
    if root not in target.parents and target != root:
        return "outside the book"
    if parts.fragment and target.suffix == ".html" and parts.fragment not in parse(target).ids:
        return f"no #{parts.fragment} in {target.name}"
    return None


def check_book(book):
    broken, checked, skipped = [], 0, 0
    for page in sorted(book.rglob("*.html")):
        for link in parse(page).links:
            if external(link):
                skipped += 1
                continue
            checked += 1
            problem = check_target(page, link, book)
            if problem:
                broken.append(f"{page.relative_to(book)}: {link}: {problem}")
    return broken, checked, skipped


MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def check_markdown(path):
    broken, checked = [], 0
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    for link in MARKDOWN_LINK.findall(text):
        if external(link) or link.startswith("#"):
            continue
        checked += 1
        target = path.parent / unquote(urlsplit(link).path)
        if not target.exists():
            broken.append(f"{path}: {link}: no such file")
    return broken, checked


def main():
    book = Path(sys.argv[1]).resolve()
    broken, checked, skipped = check_book(book)
    for markdown in sys.argv[2:]:
        more, count = check_markdown(Path(markdown))
        broken += more
        checked += count
    for line in broken:
        print(f"broken link: {line}")
    print(f"{checked} links checked, {len(broken)} broken, {skipped} to other sites not followed")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
