"""Translation to the pivot language: providers over HTTP, local models (models,
translate_local), the request engine with its cache, the translation run (translate), its
quality flags and the app's background job (translate_job).

May import: the base modules, dashboard.store, dashboard.lang and dashboard.steps.
"""
