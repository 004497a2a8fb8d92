"""Fixed expressions the parser mangles ("persona non grata"), merged into one token before parsing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans


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


class Parser:
    """The shared spaCy pipeline with one extractor's phrases merged after tokenising.

    The pipeline object is cached per process and shared by every extractor, so the merge runs
    here, between its tokenizer and its components, instead of being added to it."""

    def __init__(self, nlp: Language, phrases: Iterable[str]) -> None:
        self.nlp = nlp
        self.merger = PhraseMerger(nlp, phrases)

    def __call__(self, text: str) -> Doc:
        doc = self.merger(self.nlp.make_doc(text))
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
        """Documents for many texts, each component working on a batch at a time."""
        docs: Iterable[Doc] = (self.merger(self.nlp.make_doc(t)) for t in texts)
        for _, component in self.nlp.pipeline:
            docs = (
                component.pipe(docs, batch_size=batch_size)
                if hasattr(component, "pipe")
                else map(component, docs)
            )
        yield from docs
