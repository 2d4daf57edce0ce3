"""bookgen: a static briefing-book generator.

Curated YAML annotations over source articles -> cross-linked Markdown pages -> a MkDocs website
and a printed PDF. The pipeline stages live one per module: load, validate, anchor, model, render,
site (MkDocs build) and pdf.
"""

__version__ = "0.1.0"
