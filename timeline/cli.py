"""The `timeline` command line: parse options, call one library function, format the answer."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from timeline import __version__, output, service
from timeline.clock import TimeValueError, parse_day, parse_moment, parse_span, today
from timeline.config import (
    DATABASE_ENV,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_EVENTS,
    DEFAULT_MAX_SECONDS,
    PARALLEL_THRESHOLD,
    PROGRESS_THRESHOLD,
)
from timeline.progress import Progress
from timeline.safe_text import for_terminal
from timeline.wording import count

#: Exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


def say(message: str, err: bool = False) -> None:
    """One message line for a person, its control characters escaped (file names and ids in it
    may come from anywhere, and a terminal would obey an escape sequence in them)."""
    click.echo(for_terminal(message), err=err)


class Failure(click.ClickException):
    """A failure reported as one line on stderr, "error: ...", with exit status 1."""

    def show(self, file: Any = None) -> None:
        say(f"error: {self.format_message()}", err=True)


def _escape(exc: click.ClickException) -> None:
    """Click's own errors (bad option values, unknown options) quote what was typed: escape it."""
    exc.message = for_terminal(exc.message)


def one_line(exc: BaseException) -> str:
    """An exception as one line (database drivers like to add paragraphs)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return text or type(exc).__name__


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Errors whose message is enough on its own (no exception class name needed)."""
    from timeline.extract.nlp import ModelError  # cheap: spaCy itself is imported only to load a model
    from timeline.ingest import IngestError  # here, not at the top: reads never load the extractor

    try:  # the error handler must not fail itself, whatever state the store package is in
        from timeline.store.errors import StoreError
    except ImportError:
        return (service.ServiceError, IngestError, ModelError)
    return (service.ServiceError, IngestError, ModelError, StoreError)


def _session_option(name: str) -> Any:
    """The callback of a global option given after the subcommand: merged into the group's Session."""

    def merge(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        session = ctx.find_object(Session)
        if session is None or value in (None, False):
            return
        if name == "url":  # after the subcommand, the nearer --db wins
            session.url = value
        else:
            setattr(session, name, True)

    return merge


def global_options(command: click.Command) -> click.Command:
    """`--db`, `--debug` and `--quiet` on a subcommand too (`timeline relations --db URL`), merged
    with the values given before it: every error message suggests --debug, so each command takes it."""
    command.params.extend(
        [
            click.Option(
                ["--db"],
                metavar="URL",
                expose_value=False,
                callback=_session_option("url"),
                help="SQLAlchemy database URL (as before the command).",
            ),
            click.Option(
                ["--debug"],
                is_flag=True,
                expose_value=False,
                callback=_session_option("debug"),
                help="Show the traceback of an unexpected error.",
            ),
            click.Option(
                ["--quiet", "-q"],
                is_flag=True,
                expose_value=False,
                callback=_session_option("quiet"),
                help="No progress and no summary on stderr (errors and failures still show).",
            ),
        ]
    )
    return command


class GlobalOptionsGroup(click.Group):
    """A group whose every subcommand takes the global options (see :func:`global_options`)."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(global_options(cmd), name)


def _debugging(ctx: click.Context) -> bool:
    session = ctx.find_object(Session)
    return bool(session.debug) if session is not None else bool(ctx.params.get("debug"))


class TimelineGroup(GlobalOptionsGroup):
    """The top-level group: any error escaping a command becomes one line, unless --debug."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            _escape(exc)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            _escape(exc)
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # `timeline events | head`: let click quiet the broken pipe
                raise
            if _debugging(ctx):
                raise
            raise Failure(one_line(exc)) from exc
        except Exception as exc:
            if _debugging(ctx):
                raise
            if isinstance(exc, _expected_errors()):
                raise Failure(one_line(exc)) from exc
            hint = "(run with --debug for the traceback)"
            raise Failure(f"{type(exc).__name__}: {one_line(exc)} {hint}") from exc


# --- option types ------------------------------------------------------------------------------


class DayType(click.ParamType):
    """A date option. ``side`` "day" takes one day (YYYY-MM-DD); "start" and "end" also take a month
    (YYYY-MM) or a year (YYYY) and read it as its first or its last day, so that `--since 2024-03
    --until 2024-03` is all of March."""

    name = "DATE"

    def __init__(self, side: str = "day") -> None:
        self.side = side

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            if self.side == "day":
                return parse_day(str(value))
            first, last = parse_span(str(value))
        except TimeValueError as exc:
            self.fail(str(exc), param, ctx)
        return first if self.side == "start" else last


class MomentType(click.ParamType):
    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_moment(str(value))
        except TimeValueError as exc:
            self.fail(str(exc), param, ctx)


DAY = DayType()
SINCE = DayType("start")  # a month or a year: from its first day
UNTIL = DayType("end")  # a month or a year: through its last day
MOMENT = MomentType()


def as_of_option(help_text: str) -> Any:
    return click.option("--as-of", type=UNTIL, help=f"{help_text} A month or a year means its last day.")


known_at_option = click.option(
    "--known-at",
    type=MOMENT,
    help="What the store knew then: a timestamp (UTC unless it has a zone) or a date (its end).",
)


def format_option(choices: tuple[str, ...]) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="Output format.",
    )


# --- context -----------------------------------------------------------------------------------


class Session:
    """The database URL, the global flags and the store, opened (and migrated to head) on first use."""

    def __init__(self, url: str | None, debug: bool, quiet: bool = False) -> None:
        self.url = url
        self.debug = debug
        self.quiet = quiet
        self._store: Any = None
        self._lag_said = False

    @property
    def store(self) -> Any:
        """The store for a read: a database that is not there is an error, never created."""
        return self._open(create=False)

    @property
    def writable(self) -> Any:
        """The store for a write (ingest, add, amend, ...): created and migrated if need be."""
        return self._open(create=True)

    def _open(self, create: bool) -> Any:
        if self._store is None:
            from timeline.store import open_store

            self._store = open_store(self.url, migrate=True, create=create)
        return self._store

    def note(self, message: str) -> None:
        """A message for a person on stderr (a summary, where a file went), unless --quiet."""
        if not self.quiet:
            say(message, err=True)

    def lagged(self, lag: Any) -> None:
        """Say, once, that a read was folded from the events because the projection tables lag
        (reads never bring them up to date), unless --quiet."""
        if lag is not None and not self._lag_said:
            self._lag_said = True
            self.note(lag.line())

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def emit(chunks: Iterable[str]) -> None:
    """Write rendered output as it is: tables come escaped already, and machine formats must keep
    the exact data (click.echo would otherwise strip colour codes from a CSV cell off a terminal)."""
    for chunk in chunks:
        click.echo(chunk, nl=False, color=True)


@click.group(cls=TimelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    envvar=DATABASE_ENV,
    metavar="URL",
    help=f"SQLAlchemy database URL (default: ${DATABASE_ENV}, else sqlite file ./timeline.db).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no summary on stderr (errors still show).")
@click.version_option(__version__, prog_name="timeline")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, debug: bool, quiet: bool) -> None:
    """An event-sourced, bitemporal timeline of diplomatic news.

    Feed articles in with `ingest`; ask what happened (`events`), how relations stand
    (`relations`, `history`) and which invitations are pending (`invitations`), as of any date.
    """
    session = Session(db_url or None, debug, quiet)
    ctx.obj = session
    ctx.call_on_close(session.close)


# --- ingest ------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH... | -")
@click.option("--published", type=DAY, help="Publication date for texts without a date line.")
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An extra lexicon file (repeatable).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse articles larger than this.",
)
@click.option(
    "--max-events",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_EVENTS,
    show_default=True,
    help="Refuse an article that yields more events than this.",
)
@click.option(
    "--max-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_MAX_SECONDS,
    show_default=True,
    help="Refuse an article whose extraction takes longer than this.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Extraction processes (0: one per core when there are many articles, else 1).",
)
@click.pass_obj
def ingest(
    session: Session,
    paths: tuple[str, ...],
    published: date | None,
    lexicons: tuple[Path, ...],
    max_bytes: int,
    max_events: int,
    max_seconds: float,
    jobs: int,
) -> None:
    """Extract events from articles and append them.

    PATH is a .txt file, a folder (read recursively), a .jsonl feed (one article per line) or
    `-` for stdin. Each article is one transaction; an article already stored is left alone.
    Ctrl-C stops after the articles stored so far (the one in flight is rolled back), exit 130.
    """
    from timeline.ingest import (
        IngestOptions,
        IngestReport,
        collect_sources,
        ingest_sources,
        load_extractor,
        stale_articles,
        stale_note,
    )

    extractor = load_extractor(lexicons)
    stdin = sys.stdin.buffer if "-" in paths else None
    report = IngestReport()
    sources = collect_sources(paths, stdin, max_bytes, report.skipped)
    total = sum(source.count for source in sources)
    jobs = jobs or (os.cpu_count() or 1 if total >= PARALLEL_THRESHOLD else 1)
    options = IngestOptions(
        published, max_bytes, max_events, lexicons, debug=session.debug, jobs=jobs, max_seconds=max_seconds
    )
    store = session.writable
    if jobs == 1 and not session.quiet:
        extractor.parser  # noqa: B018 -- load the model now, so that the progress rate is the articles'
    outcomes = ingest_sources(store, sources, options, extractor)
    interrupted = _run_with_progress(session, "ingesting", total, outcomes, report, lambda outcome: None)
    if report.new:
        service.refresh_projections(store)  # fold the new events into the persisted projections
    if interrupted:
        say(f"interrupted: {report.summary()}", err=True)  # even with --quiet: the run did not finish
        click.get_current_context().exit(INTERRUPTED)
    session.note(report.summary())
    if not session.quiet:
        stale = stale_articles(store, report.present_ids, extractor)
        if stale:
            say(stale_note(stale), err=True)
    if not report.ok:
        click.get_current_context().exit(1)


def _run_with_progress(
    session: Session, label: str, total: int, outcomes: Iterator[Any], report: Any, show: Any
) -> bool:
    """Take every outcome into ``report``, showing progress on stderr (a bar on a terminal, a line
    every few seconds in a log) unless --quiet; failures are named on their own line. Returns
    True when Ctrl-C stopped the run: each article is one transaction, so the one in flight is
    rolled back and those done stay done."""
    terminal = sys.stderr.isatty()
    progress = None
    if not session.quiet and total > PROGRESS_THRESHOLD:
        progress = Progress(label, total, sys.stderr, terminal=terminal)
    held_back = progress is not None and progress.terminal  # a failure line would tear the bar
    try:
        for outcome in outcomes:
            report.add(outcome)
            show(outcome)
            if outcome.status == "failed" and not held_back:
                say(outcome.line(), err=True)
            if progress is not None:
                progress.advance(report.progress())
    except KeyboardInterrupt:
        outcomes.close()  # ends the extraction workers, if any
        return True
    finally:
        if progress is not None:
            progress.finish()
        if held_back:
            for failure in report.failures:
                say(failure.line(), err=True)
    return False


# --- reading the stream ------------------------------------------------------------------------


EVENT_TYPES_HELP = "Only events of this type (repeatable)."


def _event_types() -> list[str]:
    from timeline.domain.vocabulary import event_types

    return sorted(event_types())


PARTY_HELP = 'ISO3 country code, country name, or any of a person\'s names ("Modi", "Lula")'


def event_filter_options(command: Any) -> Any:
    """The filters `events` and `export` share (applied bottom-up, as click decorators are)."""
    options = [
        as_of_option("Only events that occurred on or before this date."),
        known_at_option,
        click.option(
            "--actor", metavar="C", multiple=True, help=f"Actor: {PARTY_HELP} (repeatable: any of them)."
        ),
        click.option(
            "--target", metavar="C", multiple=True, help=f"Target: {PARTY_HELP} (repeatable: any of them)."
        ),
        click.option(
            "--type",
            "types",
            multiple=True,
            type=click.Choice(_event_types(), case_sensitive=False),
            metavar="TYPE",
            help=EVENT_TYPES_HELP,
        ),
        click.option(
            "--since",
            type=SINCE,
            help="Only events that occurred on or after this date (YYYY-MM, YYYY: from its start).",
        ),
        click.option(
            "--until",
            type=UNTIL,
            help="Only events that occurred on or before this date (YYYY-MM, YYYY: to its end).",
        ),
        click.option("--dyad", nargs=2, metavar="A B", help="Only events between A and B (either way)."),
        click.option("--article", "article_id", metavar="ID", help="Only events of this article."),
        click.option(
            "--extractor-version",
            metavar="V",
            help="Only events coded by this extractor version (e.g. 0.9.0).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


limit_option = click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
with_article_option = click.option(
    "--with-article",
    is_flag=True,
    help="End each event with its article's URL, outlet and title (article_url, ...).",
)


@cli.command()
@event_filter_options
@limit_option
@click.option("--include-retracted", is_flag=True, help="Also show events that were retracted.")
@click.option("--facts", "as_facts", is_flag=True, help="Group reports of one happening into facts.")
@click.option(
    "--sort",
    type=click.Choice(tuple(service.EVENT_SORTS)),
    help="recorded: record order (the default); occurred: by date, then record order.",
)
@with_article_option
@format_option(output.FORMATS)
@click.pass_obj
def events(
    session: Session,
    as_of: date | None,
    known_at: datetime | None,
    actor: tuple[str, ...],
    target: tuple[str, ...],
    types: tuple[str, ...],
    since: date | None,
    until: date | None,
    dyad: tuple[str, str] | None,
    article_id: str | None,
    extractor_version: str | None,
    limit: int | None,
    include_retracted: bool,
    as_facts: bool,
    sort: str | None,
    with_article: bool,
    fmt: str,
) -> None:
    """List events in the order they were recorded (or, with --facts, the facts they report)."""
    if as_facts and (with_article or sort == "recorded"):
        raise click.UsageError(
            "--facts lists facts by date: --sort recorded and --with-article are for events"
        )
    service.require_known_parties(session.store, actor=actor, target=target)
    query = service.events_query(
        as_of=as_of,
        known_at=known_at,
        actor=actor,
        target=target,
        types=types,
        since=since,
        until=until,
        article_id=article_id,
        limit=limit,
        include_retracted=include_retracted,
        extractor_version=extractor_version,
        dyad=dyad,
        sort=sort or "recorded",
    )
    if as_facts:
        found = service.facts(session.store, query)
        session.lagged(found.lag)
        emit(_render(output.records(found.items), fmt, output.facts_table, output.FACT_COLUMNS))
        return
    marks = None
    if include_retracted:
        marks = service.retraction_marks(session.store, known_at)
    article = service.article_lookup(session.store) if with_article else None
    found = (output.event_record(e, marks, article) for e in service.list_events(session.store, query))
    columns = (
        output.EVENT_FIELDS
        + (output.RETRACTION_FIELDS if include_retracted else ())
        + (output.ARTICLE_FIELDS if with_article else ())
    )
    table = lambda items: output.events_table(items, retracted=include_retracted)  # noqa: E731
    emit(_render(found, fmt, table, columns=columns))


def _render(
    items: Iterable[dict[str, Any]], fmt: str, table: Any, columns: tuple[str, ...] = ()
) -> Iterator[str]:
    if fmt == "json":
        return output.render_json(items)
    if fmt == "jsonl":
        return output.render_jsonl(items)
    if fmt == "csv":
        return output.render_csv(items, columns)
    return table(items)


# --- projections -------------------------------------------------------------------------------


@cli.command()
@as_of_option("The world as of this date (default: today).")
@known_at_option
@click.option("--explain", nargs=2, metavar="A B", help="The facts behind the status of the dyad A-B.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=output.EXPLAIN_TOP,
    show_default=True,
    help="With --explain, as a table: list the N facts that carry the score most, the rest summed.",
)
@click.option("--all", "every", is_flag=True, help="With --explain, as a table: list every fact.")
@click.option("--dyad", nargs=2, metavar="A B", help="Only the relationship between A and B.")
@click.option("--country", metavar="C", help="Only the pairs that include this country.")
@click.option(
    "--sort",
    type=click.Choice(service.RELATION_SORTS),
    default="dyad",
    show_default=True,
    help="tone: hostile first; score: lowest first; last: latest event first; facts: most first.",
)
@format_option(output.FORMATS)
@click.pass_obj
def relations(
    session: Session,
    as_of: date | None,
    known_at: datetime | None,
    explain: tuple[str, str] | None,
    top: int,
    every: bool,
    dyad: tuple[str, str] | None,
    country: str | None,
    sort: str,
    fmt: str,
) -> None:
    """The status of each relationship between two countries."""
    if not explain and (every or top != output.EXPLAIN_TOP):
        raise click.UsageError("--top and --all go with --explain A B")
    if explain:
        answer = service.explain(session.store, *explain, as_of=as_of, known_at=known_at)
        session.lagged(answer.lag)
        explained = answer.to_json()
        if fmt == "json":
            click.echo(output.dumps(explained, indent=2))
        elif fmt == "table":
            emit(output.explanation_table(explained, None if every else top))
        else:  # one row per fact behind the status
            emit(_render(output.explained_rows(explained), fmt, None, output.EXPLAINED_COLUMNS))
        return
    pair = service.dyad_of(*dyad) if dyad else None
    found = service.relations(
        session.store, as_of=as_of, known_at=known_at, dyad=pair, country=country, sort=sort
    )
    session.lagged(found.lag)
    emit(_render(output.records(found.items), fmt, output.relations_table, output.RELATION_COLUMNS))


@cli.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@as_of_option("Up to this date (default: today).")
@known_at_option
@format_option(output.FORMATS)
@click.pass_obj
def history(
    session: Session, a: str, b: str, as_of: date | None, known_at: datetime | None, fmt: str
) -> None:
    """One dyad's timeline, with each change of tone."""
    found = service.history(session.store, a, b, as_of=as_of, known_at=known_at)
    emit(_render(output.history_records(found), fmt, output.history_table, output.HISTORY_COLUMNS))


@cli.command()
@as_of_option("The world as of this date (default: today).")
@known_at_option
@click.option(
    "--status", type=click.Choice(service.INVITATION_STATUSES), help="Only invitations in this state."
)
@click.option("--dyad", nargs=2, metavar="A B", help="Only invitations between A and B (either way).")
@format_option(output.FORMATS)
@click.pass_obj
def invitations(
    session: Session,
    as_of: date | None,
    known_at: datetime | None,
    status: str | None,
    dyad: tuple[str, str] | None,
    fmt: str,
) -> None:
    """Who invited whom, where to, since when, and where each stands."""
    day = as_of or today()
    pair = service.dyad_of(*dyad) if dyad else None
    found = service.invitations(session.store, as_of=day, known_at=known_at, status=status, dyad=pair)
    session.lagged(found.lag)
    items = output.invitation_records(found.items, day)
    emit(_render(items, fmt, output.invitations_table, output.INVITATION_COLUMNS))


@cli.command()
@as_of_option("The world as of this date (default: today).")
@known_at_option
@click.pass_obj
def replay(session: Session, as_of: date | None, known_at: datetime | None) -> None:
    """Throw the projection tables away and rebuild them from the event stream (reads never write
    them: run this when a read says they lag, after appends made outside `timeline`).

    Then summarise the view as of --as-of (default today) known at --known-at (default now).
    """
    say(service.replay(session.store, as_of=as_of, known_at=known_at).line())


# --- report and exports ------------------------------------------------------------------------


output_file_option = click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    default="-",
    show_default=True,
    help="Write here (written whole or not at all); `-` is stdout.",
)


@contextmanager
def _open_output(path: str) -> Iterator[Any]:
    """The output file, written whole or not at all; a path that cannot be written is named as
    given (the atomic write's temporary file next to it is no business of the user's)."""
    try:
        handle = click.open_file(path, "w", encoding="utf-8", atomic=path != "-")
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or one_line(exc)}") from None
    with handle as out:
        yield out


#: Where `report` writes when no -o is given and stdout is a terminal, which has no use for HTML.
REPORT_FILE = "report.html"


@cli.command()
@click.argument("countries", nargs=-1, metavar="[A B]")
@as_of_option("The world as of this date (default: today).")
@known_at_option
@click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    default=None,
    help=f"Write here (written whole or not at all); `-` is stdout. Default: stdout, or {REPORT_FILE} "
    "when stdout is a terminal.",
)
@click.pass_obj
def report(
    session: Session,
    countries: tuple[str, ...],
    as_of: date | None,
    known_at: datetime | None,
    output_path: str | None,
) -> None:
    """A self-contained HTML report of the dyad A-B (or of every dyad): tone, events, invitations, sources.

    The page opens offline: inline CSS and SVG, no fonts, scripts or images from elsewhere.
    """
    if len(countries) not in (0, 2):
        raise click.UsageError("give two countries (A B) for one dyad, or none for every dyad")
    chosen = output_path is None and sys.stdout.isatty()
    if output_path is None:
        output_path = REPORT_FILE if chosen else "-"
    page = service.report(session.store, countries, as_of=as_of, known_at=known_at)
    session.lagged(page.lag)
    with _open_output(output_path) as out:
        out.write(page.html)
    if chosen:
        session.note(f"wrote {Path(output_path).resolve()} (stdout is a terminal; -o - prints the HTML)")
    elif output_path != "-":
        session.note(f"wrote {output_path}")


@cli.command("export")
@event_filter_options
@limit_option
@click.option("--include-retracted", is_flag=True, help="Also export events that were retracted.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "jsonl", "cameo")),
    default="csv",
    show_default=True,
    help="csv/jsonl: every field of each event; cameo: GDELT-layout tab-separated rows.",
)
@with_article_option
@output_file_option
@click.pass_obj
def export(
    session: Session,
    as_of: date | None,
    known_at: datetime | None,
    actor: tuple[str, ...],
    target: tuple[str, ...],
    types: tuple[str, ...],
    since: date | None,
    until: date | None,
    dyad: tuple[str, str] | None,
    article_id: str | None,
    extractor_version: str | None,
    limit: int | None,
    include_retracted: bool,
    fmt: str,
    with_article: bool,
    output_path: str,
) -> None:
    """Export events for other tools, streamed in record order (constant memory at any size)."""
    service.require_known_parties(session.store, actor=actor, target=target)
    query = service.events_query(
        as_of=as_of,
        known_at=known_at,
        actor=actor,
        target=target,
        types=types,
        since=since,
        until=until,
        article_id=article_id,
        limit=limit,
        include_retracted=include_retracted,
        extractor_version=extractor_version,
        dyad=dyad,
    )
    with _open_output(output_path) as out:
        rows = service.export_events(session.store, query, fmt, out, with_article=with_article)
    if output_path != "-":
        session.note(f"exported {count(rows, 'row')} to {output_path}")


# --- corrections -------------------------------------------------------------------------------


@cli.command()
@click.argument("event_id", required=False)
@click.option(
    "--article", "article_id", metavar="ID", help="Retract every live event of this article at once."
)
@click.option("--reason", required=True, help="Why the event is wrong (kept with the retraction).")
@click.pass_obj
def retract(session: Session, event_id: str | None, article_id: str | None, reason: str) -> None:
    """Retract an event, or with --article all of an article's events (appends EventRetracted).

    The events stay in the stream; reads and projections leave them out from then on.
    """
    if (event_id is None) == (article_id is None):
        raise click.UsageError("give an EVENT_ID or --article ID (not both)")
    from timeline import corrections

    if article_id is not None:
        done = corrections.retract_article(session.writable, article_id, reason)
        say(
            f"retracted {count(len(done), 'event')} of article {article_id} "
            f"(EventRetracted at positions {done[0].position}-{done[-1].position})"
        )
        return
    assert event_id is not None
    retraction = service.retract(session.writable, event_id, reason)
    say(f"retracted {event_id} (EventRetracted {retraction.event_id} at position {retraction.position})")


CODING_TYPES_HELP = "Event type (as `events --type` takes them)."
PARTY_OPTION_HELP = "ISO3 code or country name, optionally :NAME of the person"
BY_HELP = "Who makes the correction (default: your user name)."


@cli.command()
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the event was wrong (kept with the retraction).")
@click.option("--type", "type_", metavar="TYPE", help=CODING_TYPES_HELP)
@click.option("--actor", metavar="C[:NAME]", help=f"Actor: {PARTY_OPTION_HELP}.")
@click.option("--target", metavar="C[:NAME]", help=f"Target: {PARTY_OPTION_HELP}.")
@click.option("--date", "on", metavar="DATE", help="When it happened (YYYY-MM-DD).")
@click.option("--modality", metavar="M", help="reported, planned or negated.")
@click.option("--by", metavar="NAME", help=BY_HELP)
@click.pass_obj
def amend(
    session: Session,
    event_id: str,
    reason: str,
    type_: str | None,
    actor: str | None,
    target: str | None,
    on: str | None,
    modality: str | None,
    by: str | None,
) -> None:
    """Correct an event: retract it and append the corrected one, in one transaction.

    The new event (stream `corrections`) keeps the old one's sentence and article, and records
    who made it and why (payload amended_from, by, reason).
    """
    from timeline import corrections

    done = corrections.amend(
        session.writable,
        event_id,
        reason,
        type_=type_,
        actor=actor,
        target=target,
        on=on,
        modality=modality,
        by=by,
    )
    say(
        f"amended {done.retraction.payload['retracted_event_id']}: {done.event.event_id} at position "
        f"{done.event.position} replaces it (EventRetracted at position {done.retraction.position})"
    )


@cli.command()
@click.option("--type", "type_", metavar="TYPE", required=True, help=CODING_TYPES_HELP)
@click.option("--actor", metavar="C[:NAME]", required=True, help=f"Actor: {PARTY_OPTION_HELP}.")
@click.option("--target", metavar="C[:NAME]", required=True, help=f"Target: {PARTY_OPTION_HELP}.")
@click.option("--date", "on", metavar="DATE", required=True, help="When it happened (YYYY-MM-DD).")
@click.option("--modality", metavar="M", help="reported (default), planned or negated.")
@click.option("--by", metavar="NAME", help=BY_HELP)
@click.option(
    "--article", "article_id", metavar="ID", help="The stored article it was read in (with --sentence)."
)
@click.option("--sentence", type=int, metavar="N", help="The sentence's index in that article (from 0).")
@click.option("--source", metavar="TEXT", help="Where the fact comes from, for one outside the store.")
@click.pass_obj
def add(
    session: Session,
    type_: str,
    actor: str,
    target: str,
    on: str,
    modality: str | None,
    by: str | None,
    article_id: str | None,
    sentence: int | None,
    source: str | None,
) -> None:
    """Add an event the coder missed, read in a stored article's sentence or in an outside source.

    It goes into the stream `corrections` and records who added it (payload by).
    """
    from timeline import corrections

    done = corrections.add(
        session.writable,
        type_=type_,
        actor=actor,
        target=target,
        on=on,
        modality=modality,
        by=by,
        article_id=article_id,
        sentence=sentence,
        source=source,
    )
    say(f"added {done.type} {done.event_id} at position {done.position}")


@cli.command()
@click.option("--all", "all_articles", is_flag=True, help="Every stored article (within --since/--until).")
@click.option("--article", "article_ids", multiple=True, metavar="ID", help="This article (repeatable).")
@click.option("--since", type=SINCE, help="Only articles published on or after this date (or month, year).")
@click.option("--until", type=UNTIL, help="Only articles published on or before this date (or month, year).")
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An extra lexicon file (repeatable), as for ingest.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Extraction processes (0: one per core when there are many articles, else 1).",
)
@click.option("--dry-run", is_flag=True, help="Print each article's difference; write nothing.")
@click.pass_obj
def reextract(
    session: Session,
    all_articles: bool,
    article_ids: tuple[str, ...],
    since: date | None,
    until: date | None,
    lexicons: tuple[Path, ...],
    jobs: int,
    dry_run: bool,
) -> None:
    """Re-read stored articles with the current extractor and append the difference.

    A live event the new reading no longer yields is retracted ("reextracted by VERSION"), a new
    one is appended, one read the same way is left alone. One transaction per article: a run
    cut short can be run again, and a second run appends nothing. Erased articles are skipped.
    """
    from timeline import reextract as rereading

    if not (all_articles or article_ids or since or until):
        raise click.UsageError("say which articles to re-read: --all, --article ID, or --since/--until")
    if all_articles and article_ids:
        raise click.UsageError("--all and --article exclude each other")
    store = session.writable
    ids = rereading.select_articles(store, article_ids, since, until)
    jobs = jobs or (os.cpu_count() or 1 if len(ids) >= PARALLEL_THRESHOLD else 1)
    options = rereading.ReextractOptions(tuple(article_ids), since, until, lexicons, jobs, dry_run)
    outcomes = rereading.reread(store, options, ids)
    report = rereading.Report()
    show = lambda outcome: _show_diff(outcome, dry_run)  # noqa: E731
    interrupted = _run_with_progress(session, "re-reading", len(ids), outcomes, report, show)
    if report.changed and not dry_run:
        service.refresh_projections(store)  # retracted and new events reach the projections
    if interrupted:
        say(f"interrupted: {report.summary(dry_run)}", err=True)
        click.get_current_context().exit(INTERRUPTED)
    session.note(report.summary(dry_run))
    if not report.ok:
        click.get_current_context().exit(1)


def _show_diff(outcome: Any, dry_run: bool) -> None:
    """With --dry-run, the article's difference on stdout: `- type actor->target date`, `+ ...`."""
    if dry_run and outcome.plan is not None and outcome.plan.changed:
        say(f"article {outcome.article_id}")
        for line in outcome.plan.diff():
            say(line)


@cli.command()
@format_option(output.FORMATS)
@click.pass_obj
def stats(session: Session, fmt: str) -> None:
    """Counts: events by type and extractor version, live and retracted, articles, database size."""
    found = service.stats(session.store)
    if fmt == "json":
        click.echo(output.dumps(found, indent=2))
    elif fmt == "table":
        emit(output.stats_table(found))
    else:  # rows of one shape: group, name, count, live, retracted
        emit(_render(output.stats_rows(found), fmt, None, output.STATS_COLUMNS))


@cli.command()
@click.option("--since", type=DAY, help="Only articles published on or after this date.")
@click.option("--until", type=DAY, help="Only articles published on or before this date.")
@click.option("--outlet", metavar="NAME", help="Only articles of this outlet (the whole name, any case).")
@known_at_option
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles.")
@format_option(output.FORMATS)
@click.pass_obj
def articles(
    session: Session,
    since: date | None,
    until: date | None,
    outlet: str | None,
    known_at: datetime | None,
    limit: int | None,
    fmt: str,
) -> None:
    """The stored articles by publication date: source, events live/retracted, coding, erasure."""
    found = service.articles(
        session.store, since=since, until=until, outlet=outlet, known_at=known_at, limit=limit
    )
    emit(_render(found, fmt, output.articles_table, output.ARTICLE_LIST_COLUMNS))


@cli.command()
@click.argument("article_id")
@click.option("--reason", required=True, help="The legal ground (kept with the tombstone).")
@click.pass_obj
def erase(session: Session, article_id: str, reason: str) -> None:
    """Remove an article's text and its events' sentences, for a legal reason.

    The events stay (projections do not change); an ArticleErased tombstone records what was
    erased, when and why; the hash chain still verifies.
    """
    done = service.erase(session.writable, article_id, reason)
    say(
        f"erased article {article_id}: its text and {count(done.sentences, 'event sentence')} "
        f"(ArticleErased {done.tombstone.event_id} at position {done.tombstone.position})"
    )
    for note in done.notes:  # what is left to the operator (a reader holding the WAL; PostgreSQL's files)
        click.echo(note, err=True)


@cli.command()
@click.option(
    "--head",
    "anchors",
    multiple=True,
    metavar="HASH",
    help="A head printed by an earlier verify: fail unless it is still in the chain (repeatable).",
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="TIMELINE_KEY_FILE",
    help="The operator's secret key, kept away from the database (for --sign and --signature).",
)
@click.option("--sign", is_flag=True, help="After a clean verify, print the head signed with the key.")
@click.option("--signature", metavar="SIG", help="A head signed earlier: fail unless the chain ends there.")
@click.pass_obj
def verify(
    session: Session, anchors: tuple[str, ...], key_file: Path | None, sign: bool, signature: str | None
) -> None:
    """Check the store for tampering: hash chain, article seals, erasures, triggers, projections.

    Exits 0 with a one-line summary when all holds; otherwise lists the problems on stderr and
    exits 1, naming the first broken position. Keep the printed head somewhere else: with
    --head it also shows events cut from the end of the stream. With a key only the operator
    holds, --sign prints a signed head and --signature fails if anything was appended or
    changed since: without the key nobody can sign a longer chain.
    """
    key = service.read_key(key_file) if key_file is not None else None
    if (sign or signature) and key is None:
        raise click.UsageError("--sign and --signature need the key: --key-file FILE (or $TIMELINE_KEY_FILE)")
    found = service.verify(session.store, anchors, key=key, signature=signature)
    if found.ok:
        say(found.line())
        if sign and key is not None:
            say(f"signed head: {service.sign_head(key, found)}")
        return
    if found.found > 1:  # one problem is said by the error line itself, not twice
        for problem in found.problems:
            say(problem.line(), err=True)
    raise Failure(found.line())


# --- the schema --------------------------------------------------------------------------------


@cli.group(cls=GlobalOptionsGroup)
def db() -> None:
    """The database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_obj
def db_upgrade(session: Session, revision: str) -> None:
    """Migrate up to REVISION (default: head); at head, bring the projection tables up to date."""
    from timeline.store import upgrade

    done = upgrade(session.url, revision)
    if revision == "head":  # a write command: reads only ever find the tables, they never fill them
        service.refresh_projections(session.writable)
    click.echo(f"database at revision {done or 'base'}")


@db.command("downgrade")
@click.argument("revision")
@click.option(
    "--yes",
    "--i-know-this-deletes-data",
    "delete_data",
    is_flag=True,
    help="Allow a downgrade that deletes events, articles, chain links or erasures (nothing rebuilds them).",
)
@click.pass_obj
def db_downgrade(session: Session, revision: str, delete_data: bool) -> None:
    """Migrate down to REVISION ("base" removes every table).

    A downgrade that would delete events, articles, chain links or erasures changes nothing and
    says how many unless --yes is given. Projection tables are derived and go without asking:
    they are rebuilt from the stream after the next upgrade.
    """
    from timeline.store import downgrade_report

    done = downgrade_report(session.url, revision, delete_data)
    for note in done.notes():
        click.echo(note, err=True)
    click.echo(f"database at revision {done.revision or 'base'}")


@db.command("current")
@click.pass_obj
def db_current(session: Session) -> None:
    """Print the database's revision ("base" for an empty database)."""
    from timeline.store import current

    click.echo(current(session.url) or "base")


def main() -> None:
    """The console script."""
    try:
        cli.main(prog_name="timeline")
    except BrokenPipeError:
        # The reader went away (`timeline events | head`): stop quietly, without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
