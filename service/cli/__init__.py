"""The ``assist`` command: ``main`` parses and dispatches, ``commands`` lists the command
groups, and each group (knowledge, keys, models, db, config, evals, prompts, audit, intents,
panel, history/continuity, gaps) is one module that registers its sub-commands."""
