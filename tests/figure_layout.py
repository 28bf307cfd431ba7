"""Is every drawn figure readable: no legend entry over an axis label, none cut off at the bottom?

Shared by tests/test_browser.py (every figure of a lesson in JupyterLab) and tests/test_slides.py
(the figures of each slide), because the same figure can be laid out well in one and badly in
the other. A legend placed at a fraction of the plot's height (``legend.y = -0.3``) lands under
the axis labels at one height and on top of them at another: a static figure without its own
height is drawn 360 px tall in JupyterLab but 480 px tall as a live figure, and the legend of
lesson 02's builder covered the second line of its option labels. ``legend_below`` in
``course/ui/figures.py`` is the fix; this check finds the figures that still need it.

The check reads the boxes the browser drew (``getBoundingClientRect``): the legend's background
box (plotly paints it over the axes, so an overlap hides part of a label) against each axis tick
label and axis title of the same figure, and against the bottom of the figure. An overlap of
half a pixel or less (rounding) does not count; one pixel hid the descenders of lesson 02's labels.
"""

from __future__ import annotations

#: ``root => [problem, ...]``: figures under ``root`` (a CSS selector) whose legend covers an
#: axis label or runs past the bottom of the figure. Hidden figures (zero size) are skipped.
CROWDED_FIGURES_JS = """root => {
  const box = n => n.getBoundingClientRect();
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
                         && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const sized = r => r.width > 0 && r.height > 0;
  const problems = [];
  for (const plot of document.querySelectorAll(root + ' .js-plotly-plot')) {
    const outer = plot.querySelector('.main-svg');
    if (!outer || !sized(box(outer))) continue;
    const title = (plot.querySelector('.gtitle')?.textContent || 'untitled figure').slice(0, 60);
    const labels = [...plot.querySelectorAll(
        '.xaxislayer-above text, .yaxislayer-above text, ' +
        '[class^="g-x"][class$="title"] text, [class^="g-y"][class$="title"] text')]
        .filter(n => n.textContent.trim() && sized(box(n)));
    const bottom = box(outer).bottom;
    // the legend's background box: plotly paints it over the axes, so any overlap hides text
    for (const legend of plot.querySelectorAll('.legend')) {
      const area = legend.querySelector('.bg');
      if (!area || !sized(box(area))) continue;
      const name = (legend.querySelector('.traces')?.textContent || 'legend').trim().slice(0, 40);
      const covered = labels.find(label => overlap(box(area), box(label)));
      if (covered) {
        problems.push(`${title}: the legend ('${name}' ...) covers the axis label ` +
                      `'${covered.textContent.trim().slice(0, 40)}'`);
      } else if (box(area).bottom > bottom + 1) {
        problems.push(`${title}: the legend ('${name}' ...) is cut off at the bottom`);
      }
    }
  }
  return problems;
}"""
