"""Ingest: sources (files, folders, stdin, JSONL feeds) -> articles -> extracted events -> the store.

One article is one transaction (``store.append(events, article)``): all its events land or
none. A bad article is reported with a one-line reason and the others go on.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Literal

from timeline.clock import TimeValueError, parse_day
from timeline.config import DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, DEFAULT_MAX_SECONDS
from timeline.domain.articles import Article, article_id_for
from timeline.domain.calendar import DateOutOfRange, check_in_range
from timeline.extract.parallel import Extracted, Limits, extract_many, extract_one
from timeline.extract.pipeline import Extractor
from timeline.wording import count, plural

STDIN = "-"
STDIN_NAME = "<stdin>"
TEXT_SUFFIX = ".txt"
FEED_SUFFIX = ".jsonl"

Status = Literal["new", "present", "failed"]


class IngestError(Exception):
    """One article (or the whole run) cannot be ingested; the message is one line saying why."""


@dataclass(frozen=True, slots=True)
class IngestOptions:
    published: date | None = None  # used when the text has no date line of its own
    max_bytes: int = DEFAULT_MAX_BYTES
    max_events: int = DEFAULT_MAX_EVENTS
    lexicons: tuple[Path, ...] = ()
    debug: bool = False  # let unexpected extractor errors propagate (with their traceback)
    jobs: int = 1  # extraction processes; 1 extracts in this process
    max_seconds: float | None = DEFAULT_MAX_SECONDS  # per article's extraction; None: no budget

    @property
    def limits(self) -> Limits:
        return Limits(self.max_events, self.max_seconds)


@dataclass(frozen=True, slots=True)
class Item:
    """One article as it came in, before it is checked: decoded text and metadata, or why it is bad."""

    name: str  # for messages: "seeds/x.txt", "feed.jsonl line 3", "<stdin>"
    text: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    status: Status
    article_id: str | None = None
    events: int = 0  # events appended (0 when the article was already present)
    message: str | None = None  # why it failed

    def line(self) -> str:
        return f"{self.name}: {self.message}"


@dataclass(slots=True)
class IngestReport:
    new: int = 0
    present: int = 0
    failed: int = 0
    events: int = 0
    failures: list[Outcome] = field(default_factory=list)
    present_ids: list[str] = field(default_factory=list)  # articles stored before (for stale_articles)
    skipped: Counter[str] = field(default_factory=Counter)  # files of a folder left out, by extension

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "new":
            self.new += 1
            self.events += outcome.events
        elif outcome.status == "present":
            self.present += 1
            if outcome.article_id:
                self.present_ids.append(outcome.article_id)
        else:
            self.failed += 1
            self.failures.append(outcome)

    def summary(self) -> str:
        line = (
            f"{self.new} new, {self.present} already present, {self.failed} failed; "
            f"{count(self.events, 'event')} appended"
        )
        if self.skipped:
            line += f"; {skipped_line(self.skipped)}"
        return line

    def progress(self) -> str:
        """What the run has done so far, for a progress line."""
        failed = f", {self.failed} failed" if self.failed else ""
        return f"{count(self.events, 'event')} appended{failed}"

    @property
    def ok(self) -> bool:
        return self.failed == 0


# --- sources -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """One unit to read: a text file, a JSONL feed, standard input, or a path that is wrong."""

    kind: Literal["text", "feed", "stdin", "missing"]
    name: str
    path: Path | None = None
    data: bytes | None = None  # standard input, read once
    count: int = 1  # articles it holds (the lines of a feed), for the progress bar
    error: str | None = None


def collect_sources(
    paths: Sequence[str],
    stdin: BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    skipped: Counter[str] | None = None,
) -> list[Source]:
    """Expand the command's PATH arguments: files, folders (recursively, sorted), `-` for stdin.

    Files of a folder that are neither .txt nor .jsonl are left out and, when ``skipped`` is
    given, counted there by extension, so that the summary can say so.
    """
    sources: list[Source] = []
    for raw in paths:
        if raw == STDIN:
            data = stdin.read(max_bytes + 1) if stdin is not None else b""
            sources.append(Source("stdin", STDIN_NAME, data=data))
            continue
        path = Path(raw)
        if path.is_dir():
            found = [_file_source(p) for p in _walk(path, skipped)]
            sources.extend(found or [Source("missing", raw, error="no .txt or .jsonl files in this folder")])
        elif path.is_file():
            sources.append(_file_source(path))
        else:
            sources.append(Source("missing", raw, error="no such file or folder"))
    return sources


def _walk(folder: Path, skipped: Counter[str] | None = None) -> list[Path]:
    """The .txt and .jsonl files under a folder, in sorted path order; hidden ones left out
    silently, other files counted in ``skipped`` by extension."""
    found = []
    for p in folder.rglob("*"):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        if p.suffix.lower() in (TEXT_SUFFIX, FEED_SUFFIX):
            found.append(p)
        elif skipped is not None:
            skipped[p.suffix.lower() or "(no extension)"] += 1
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def skipped_line(skipped: Counter[str]) -> str:
    """``skipped 3 files: 2 .md, 1 .html`` (most first, then by name)."""
    total = sum(skipped.values())
    kinds = sorted(skipped.items(), key=lambda item: (-item[1], item[0]))
    return f"skipped {count(total, 'file')}: " + ", ".join(f"{n} {suffix}" for suffix, n in kinds)


def _file_source(path: Path) -> Source:
    if path.suffix.lower() == FEED_SUFFIX:
        return Source("feed", str(path), path=path, count=max(_count_lines(path), 1))
    # any other file named explicitly is read as the text of one article
    return Source("text", str(path), path=path)


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 1


def read_items(source: Source, max_bytes: int) -> Iterator[Item]:
    """The articles a source holds, each decoded or with the reason it cannot be."""
    if source.kind == "missing":
        yield Item(source.name, error=source.error)
    elif source.kind == "stdin":
        yield _decoded(source.name, source.data or b"", max_bytes)
    elif source.kind == "text":
        yield _read_text_file(source, max_bytes)
    else:
        yield from _read_feed(source, max_bytes)


def _read_text_file(source: Source, max_bytes: int) -> Item:
    assert source.path is not None
    try:
        if source.path.stat().st_size > max_bytes:
            return Item(source.name, error=_too_large(max_bytes))
        data = source.path.read_bytes()
    except OSError as exc:
        return Item(source.name, error=f"cannot read: {exc.strerror or exc}")
    return _decoded(source.name, data, max_bytes)


def _decoded(name: str, data: bytes, max_bytes: int) -> Item:
    if len(data) > max_bytes:
        return Item(name, error=_too_large(max_bytes))
    if b"\x00" in data:
        return Item(name, error="binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Item(name, error=f"not UTF-8 text (undecodable byte at offset {exc.start})")
    return Item(name, text=text)


def _read_feed(source: Source, max_bytes: int) -> Iterator[Item]:
    assert source.path is not None
    try:
        handle = source.path.open("rb")
    except OSError as exc:
        yield Item(source.name, error=f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        seen = False
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            seen = True
            yield _feed_item(f"{source.name} line {number}", raw, max_bytes)
        if not seen:
            yield Item(source.name, error="empty feed (no JSON lines)")


def _feed_item(name: str, raw: bytes, max_bytes: int) -> Item:
    if len(raw) > max_bytes + 1024:  # a little room for the JSON around the text
        return Item(name, error=_too_large(max_bytes))
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Item(name, error="not UTF-8 text")
    except ValueError:
        return Item(name, error="not JSON")
    except RecursionError:  # the decoder recurses once per bracket; the line is bad, not the run
        return Item(name, error="JSON nested too deeply")
    if not isinstance(record, dict):
        return Item(name, error="not a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        return Item(name, error='no "text" field' if text is None else '"text" is not a string')
    if len(text.encode("utf-8")) > max_bytes:
        return Item(name, error=_too_large(max_bytes))
    if "\x00" in text:
        return Item(name, error="binary text (NUL characters)")
    if record.get("id") is not None:
        name = f"{name} (id {record['id']})"
    meta = {k: record[k] for k in ("published", "source", "url", "title", "id") if record.get(k) is not None}
    return Item(name, text=text, meta=meta)


def _too_large(max_bytes: int) -> str:
    return f"over the size limit of {max_bytes} bytes (raise it with --max-bytes)"


# --- articles ----------------------------------------------------------------------------------


def to_article(item: Item, default_published: date | None) -> Article:
    """Check an item and read its header: the article to extract, or IngestError saying why not."""
    if item.error:
        raise IngestError(item.error)
    text = item.text or ""
    if not text.strip():
        raise IngestError("empty text" if item.meta else "empty file")
    from timeline.extract.header import HeaderError, parse_header

    try:
        header = parse_header(text)
    except HeaderError as exc:
        raise IngestError(str(exc)) from None
    published = header.published or _meta_date(item) or default_published
    if published is None:
        raise IngestError("no date line; pass --published YYYY-MM-DD")
    try:
        check_in_range(published, "published")
    except DateOutOfRange as exc:
        raise IngestError(str(exc)) from None
    if not any(ch.isalpha() for ch in header.body):
        raise IngestError("no sentences in the text")
    meta = item.meta
    return Article(
        article_id=article_id_for(text),
        published=published,
        text=text,
        outlet=header.outlet or _str(meta.get("source")),
        url=_str(meta.get("url")),
        title=_str(meta.get("title")),
        source_name=item.name,
    )


def _meta_date(item: Item) -> date | None:
    value = item.meta.get("published")
    if value is None:
        return None
    try:
        return parse_day(str(value)[:10] if "T" in str(value) else str(value))
    except TimeValueError as exc:
        raise IngestError(f'"published": {exc}') from None


def _str(value: object) -> str | None:
    return None if value is None else str(value)


# --- extraction and storage --------------------------------------------------------------------


def load_extractor(extra: Sequence[Path] = ()) -> Extractor:
    """The extractor with the user's lexicon files (countries, people, titles, triggers ...) added."""
    try:
        return Extractor.load(extra=[Path(p) for p in extra])
    except (OSError, ValueError) as exc:
        message = str(exc)
        raise IngestError(message if message.startswith("lexicon") else f"lexicon: {message}") from None


def extract_article(extractor: Extractor, article: Article, options: IngestOptions) -> Extracted:
    """One article's events, or why there are none; with --debug an extractor bug shows its traceback."""
    if options.debug:
        return Extracted(article, events=extractor.extract(article, options.max_events))
    return extract_one(extractor, article, options.limits)


def store_extracted(store: Any, extracted: Extracted, options: IngestOptions) -> Outcome:
    """Append one extracted article in one transaction, or say why not."""
    from timeline.store import StoreError

    article = extracted.article
    name = article.source_name or article.article_id
    if extracted.refused:
        return Outcome(name, "failed", article.article_id, message=extracted.refused)
    if extracted.error or extracted.events is None:
        return Outcome(name, "failed", article.article_id, message=f"extraction failed: {extracted.error}")
    events = extracted.events
    for event in events:
        try:
            check_in_range(event.occurred_on, f"sentence {_sentence_of(event)}: event date")
        except DateOutOfRange as exc:
            return Outcome(name, "failed", article.article_id, message=str(exc))
    if len(events) > options.max_events:
        return Outcome(
            name, "failed", article.article_id,
            message=(
                f"{len(events)} events, over the limit of {options.max_events} (raise it with --max-events)"
            ),
        )
    try:
        result = store.append(events, article=article)
    except StoreError as exc:
        return Outcome(name, "failed", article.article_id, message=f"not stored: {exc}")
    if not result.new:
        return Outcome(name, "present", article.article_id)
    return Outcome(name, "new", article.article_id, events=len(result.events))


def _sentence_of(event: Any) -> str:
    return str(event.provenance.sentence_index + 1) if event.provenance else "?"


def ingest_sources(
    store: Any, sources: Iterable[Source], options: IngestOptions, extractor: Extractor | None = None
) -> Iterator[Outcome]:
    """Ingest every article of the sources, in order, yielding one outcome per article.

    With ``options.jobs`` > 1, extraction runs in that many worker processes while this one stores,
    in the same order and with the same outcome as one process.
    """
    if options.jobs <= 1 or options.debug:
        extractor = extractor or Extractor.default()
        for item in _articles(store, sources, options):
            if isinstance(item, Outcome):
                yield item
            else:
                yield store_extracted(store, extract_article(extractor, item, options), options)
        return
    # Outcomes known before extraction (unreadable, already stored) wait for their turn: each is
    # given back after the articles that came before it, so the order is the one-process order.
    known: list[tuple[int, Outcome]] = []
    sent = 0

    def fresh() -> Iterator[Article]:
        nonlocal sent
        for item in _articles(store, sources, options):
            if isinstance(item, Outcome):
                known.append((sent, item))
            else:
                sent += 1
                yield item

    extracted_all = extract_many(fresh(), options.lexicons, options.jobs, limits=options.limits)
    for done, extracted in enumerate(extracted_all):
        while known and known[0][0] <= done:
            yield known.pop(0)[1]
        yield store_extracted(store, extracted, options)
    yield from (outcome for _, outcome in known)


def _articles(store: Any, sources: Iterable[Source], options: IngestOptions) -> Iterator[Article | Outcome]:
    """The articles to extract, or the outcome already known (unreadable, or stored before)."""
    for source in sources:
        for item in read_items(source, options.max_bytes):
            try:
                article = to_article(item, options.published)
            except IngestError as exc:
                yield Outcome(item.name, "failed", message=str(exc))
                continue
            if store.has_article(article.article_id):
                yield Outcome(article.source_name or article.article_id, "present", article.article_id)
            else:
                yield article


def ingest_paths(
    store: Any,
    paths: Sequence[str],
    options: IngestOptions | None = None,
    stdin: BinaryIO | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> IngestReport:
    """Ingest files, folders and stdin (`-`) into the store, then bring the projection tables up to
    date (as `timeline ingest` does); the report counts new, present, failed."""
    from timeline import service

    options = options or IngestOptions()
    extractor = load_extractor(options.lexicons)
    report = IngestReport()
    sources = collect_sources(paths, stdin, options.max_bytes, report.skipped)
    try:
        for outcome in ingest_sources(store, sources, options, extractor):
            report.add(outcome)
            if on_outcome:
                on_outcome(outcome)
    finally:  # what was appended is folded, even when a caller's callback stops the run
        if report.new:
            service.refresh_projections(store)
    return report


def stale_articles(store: Any, article_ids: Sequence[str], extractor: Extractor) -> int:
    """How many of these stored articles hold live events coded by another extractor version or
    with other lexicon files (``payload.lexicon``) than ``extractor``: a re-read may differ.

    A statement `timeline reextract` read the same way keeps the version it was first coded by,
    so an article re-read without change still counts here.
    """
    codings = store.codings(article_ids) if article_ids else {}
    if not codings:
        return 0
    current = (extractor.version, extractor.lexicon_digest)  # the version asks the model: loaded here
    return sum(1 for pairs in codings.values() if any(pair != current for pair in pairs))


def stale_note(count: int) -> str:
    were = "was" if count == 1 else "were"
    articles = plural(count, "article")
    return f"{count} {articles} {were} coded by an older extractor; `timeline reextract` re-reads them"
