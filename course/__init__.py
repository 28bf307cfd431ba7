"""Helper package for the course *Responding to non-state cyber-attackers*.

Lessons stay short by calling into this package. Its folders follow the one way data flows:

- `course.engine`: paths, validated data loaders, the escalation-risk model, labels;
- `course.ui`: the plotly theme, shared figures, live widgets;
- `course.learning`: self-checks, progress, glossary, references, the lesson map, content files;
- `course.lessons`: one module per lesson notebook (``l02_proxies_and_attribution`` ...);
- `course.exercises`: answer keys of the exercise notebooks (``ex02`` ...).
"""

__version__ = "0.1.0"
