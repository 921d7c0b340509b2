"""Take it out of the app: figures, animations and code for what the pages show.

Everything here is drawn from the lessons' own records with Pillow (no browser, no screen recording), so
an exported picture shows the page's numbers for the same settings, and the code snippets reproduce them.

Examples
--------
>>> import io
>>> from convscope.export import PlaygroundSettings, playground_code, render_playground
>>> settings = PlaygroundSettings(digit=3, kernel="sobel_x", padding=1)
>>> render_playground(settings, io.BytesIO(), "png")
'figure 1672x1074'
>>> "convolution_output(image, weights, padding=1, stride=1, dilation=1)" in playground_code(settings)
True
"""

from __future__ import annotations

from convscope.export.animation import AnimationPlan, plan_animation, write_animation
from convscope.export.playground import ExportFormat, figure, frames, render_playground
from convscope.export.settings import PlaygroundSettings, as_matrix, playground_lesson
from convscope.export.snippets import FRAMEWORKS, INPUT_FILE, Framework, playground_code

__all__ = [
    "FRAMEWORKS",
    "INPUT_FILE",
    "AnimationPlan",
    "ExportFormat",
    "Framework",
    "PlaygroundSettings",
    "as_matrix",
    "figure",
    "frames",
    "plan_animation",
    "playground_code",
    "playground_lesson",
    "render_playground",
    "write_animation",
]
