"""Fixed expressions the parser mangles ("persona non grata"), merged into one token before parsing."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

COMPONENT = "timeline_phrases"


class PhraseMerger:
    """Merges each listed phrase (matched case-insensitively) into a single token."""

    def __init__(self, nlp: Language, phrases: Iterable[str]) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("PHRASE", [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        spans = filter_spans([doc[s:e] for _, s, e in self.matcher(doc)])
        with doc.retokenize() as retokenizer:
            for span in spans:
                retokenizer.merge(span, attrs={"NORM": span.text.lower()})
        return doc


@Language.factory(COMPONENT, default_config={"phrases": []})
def make_phrase_merger(nlp: Language, name: str, phrases: list[str]) -> PhraseMerger:
    return PhraseMerger(nlp, phrases)


def with_phrases(nlp: Language, phrases: Iterable[str]) -> Language:
    """The pipeline with the merger placed first (added once per pipeline object)."""
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, first=True, config={"phrases": sorted(set(phrases))})
    return nlp
