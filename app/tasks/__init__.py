"""The task page: show a task with its case, save a concept, complete it."""
