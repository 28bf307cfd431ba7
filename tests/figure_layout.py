"""Is every drawn figure readable: no legend over an axis label, no text cut off at an edge?

Shared by tests/test_browser.py (every figure of a lesson in JupyterLab) and tests/test_slides.py
(the figures of each slide), because the same figure can be laid out well in one and badly in
the other. Two defects this found, both fixed:
- A legend placed at a fraction of the plot's height (``legend.y = -0.3``) lands under the axis
  labels at one height and on top of them at another. On slides, lessons 09 and 10 drew legends
  over their axis titles; a static figure without its own height is drawn 360 px tall in
  JupyterLab, and lesson 02's builder legend hid the lower edge of its option labels.
  ``legend_below`` in ``course/ui/figures.py`` is the fix.
- The option explorer's title held the incident's name on one line and ran past the figure's
  right edge for long names (lessons 05, 06 and 10 in JupyterLab).

The check reads the boxes the browser drew (``getBoundingClientRect``):
- the legend's background box (plotly paints it over the axes, so an overlap hides part of a
  label) against each axis tick label and axis title of the same figure, and against the bottom
  of the figure;
- every text of the figure against the figure's edges.

An overlap of half a pixel or less (rounding) does not count; one pixel hid the descenders of
lesson 02's labels.
"""

from __future__ import annotations

#: ``root => [problem, ...]``: figures under ``root`` (a CSS selector) whose legend covers an
#: axis label or runs past the bottom of the figure, or with a text cut off at an edge. Hidden
#: figures (zero size) are skipped.
CROWDED_FIGURES_JS = """root => {
  const box = n => n.getBoundingClientRect();
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
                         && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const sized = r => r.width > 0 && r.height > 0;
  const words = n => n.textContent.trim().slice(0, 40);
  const problems = [];
  for (const plot of document.querySelectorAll(root + ' .js-plotly-plot')) {
    const outer = plot.querySelector('.main-svg');
    if (!outer || !sized(box(outer))) continue;
    const edges = box(outer);
    const title = (plot.querySelector('.gtitle')?.textContent || 'untitled figure').slice(0, 60);
    const labels = [...plot.querySelectorAll(
        '.xaxislayer-above text, .yaxislayer-above text, ' +
        '[class^="g-x"][class$="title"] text, [class^="g-y"][class$="title"] text')]
        .filter(n => n.textContent.trim() && sized(box(n)));
    // the legend's background box: plotly paints it over the axes, so any overlap hides text
    for (const legend of plot.querySelectorAll('.legend')) {
      const area = legend.querySelector('.bg');
      if (!area || !sized(box(area))) continue;
      const name = (legend.querySelector('.traces')?.textContent || 'legend').trim().slice(0, 40);
      const covered = labels.find(label => overlap(box(area), box(label)));
      if (covered) {
        problems.push(`${title}: the legend ('${name}' ...) covers the axis label ` +
                      `'${words(covered)}'`);
      } else if (box(area).bottom > edges.bottom + 1) {
        problems.push(`${title}: the legend ('${name}' ...) is cut off at the bottom`);
      }
    }
    for (const text of plot.querySelectorAll('text')) {
      const r = box(text);
      if (!sized(r) || !text.textContent.trim()) continue;
      const side = r.right > edges.right + 1 ? 'right' : r.left < edges.left - 1 ? 'left'
                 : r.top < edges.top - 1 ? 'top' : r.bottom > edges.bottom + 1 ? 'bottom' : '';
      if (side) problems.push(`${title}: the text '${words(text)}' is cut off at the ${side}`);
    }
  }
  return problems;
}"""
