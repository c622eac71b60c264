"""Support package for the hands-on CNN course.

Each lesson imports what it needs, for example ``from course_utils import data, viz``.
Importing ``course_utils`` itself is cheap: TensorFlow is only imported by the
functions that need it, so ``import course_utils`` works even before TensorFlow does.
"""

from course_utils.environment import environment_report, fast_mode, setup

__all__ = ["environment_report", "fast_mode", "setup"]
__version__ = "0.1.0"
