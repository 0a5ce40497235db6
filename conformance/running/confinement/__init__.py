"""The worker's confinement layers that do not need namespaces: the system-call filter (seccomp),
Landlock's limits on files, and the allow-list of files the worker may read.

Owns: what the worker process may ask of the kernel. May import: the standard library only
(it runs in the forked worker before the submission is imported).
"""
