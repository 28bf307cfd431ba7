"""Helper package for the course *Responding to non-state cyber-attackers*.

Lessons stay short by calling into this package: data loaders (`course.data`), the
escalation-risk teaching model (`course.escalation`), figures in one look (`course.theme`),
lesson metadata (`course.lessons`) and self-checks (`course.quiz`).
"""

__version__ = "0.1.0"
