"""Answer keys for the exercise notebooks, one module per lesson (``course.exercises.ex01`` ...).

Why here and not in the notebook: an exercise notebook that computed its own expected answers in
a visible cell would hand students the solution. Each module registers its tasks with
`course.learning.quiz` when imported; the notebook imports it and calls
``check("ex01.task2", answer)``. Expected values are computed from ``data/`` at import, so they
follow the data when it changes.
"""
