"""The training wizard and its queue: new experts (and RELNET) from a labelled folder, in the background.

``run.py`` is the Qt-free training run (the core's ``train`` into a staging folder,
held-out evaluation, ``core.training.publish``); ``queue.py`` (owned by the main
window) runs those one after another; ``wizard.py`` and its pages drive them;
``loss_plot.py`` draws the live losses; ``queue_panel.py`` is the Training dock.
"""
