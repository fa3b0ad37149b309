"""Training and evaluation engine (headless; the CLI and the GUI wizard drive the same generators).

Entry points (each a generator task yielding Progress and returning its result):

- :func:`relstudio.core.training.scan.scan_dataset_task` / ``scan_dataset`` → DatasetSummary
- :func:`relstudio.core.training.pipeline.train` → TrainingReport (experts → RELNET → baselines)
- :func:`relstudio.core.training.expert_training.train_experts` → TrainingReport
- :func:`relstudio.core.training.relnet_training.train_classifiers` → TrainingReport
- :func:`relstudio.core.training.evaluate.evaluate` → EvaluationReport (Table 1, confusion)

Settings: :class:`relstudio.core.training.config.TrainingConfig`.
"""
