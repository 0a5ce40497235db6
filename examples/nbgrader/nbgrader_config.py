"""nbgrader's settings for the example course (run nbgrader from this folder)."""

c = get_config()  # noqa: F821 - nbgrader provides it
c.CourseDirectory.course_id = "rnn-conformance-example"
# `check` runs the student's function in the kernel: a cell may take a few seconds, not minutes
c.ExecutePreprocessor.timeout = 120
