"""What runs the steps: the step table and the local engine (pipeline), the increment's
finish (increment) and the Ray engine (engine_ray).

May import: everything below it: base, store, lang, steps, ingest, translate.
"""
