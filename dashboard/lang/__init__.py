"""Knowledge of languages, shared by every step: lexicons and name data (lexicon), date words
(datewords), transliteration and folding (translit), lemmas (lemmas), the on-disk cache of
built per-language data (datacache) and the one boilerplate filter (boilerplate).

May import: the base modules and dashboard.store.
"""
