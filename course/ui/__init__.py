"""The presentation layer: one plotly look (`theme`), figure builders shared by lessons
(`figures`) and the controls that redraw a figure in place (`widgets`). It reads no files."""
