"""The learning machinery: self-check questions (`quiz`), the learner's progress file
(`progress`), the glossary and reference list (`glossary`, `references`), the lesson map and
lesson conventions (`lesson_map`) and the teaching text of each lesson (`content`)."""
