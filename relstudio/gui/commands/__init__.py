"""What the window's menus, keys and panels do, as objects that receive what they use.

Each command object gets its collaborators (the document, the player, dialogs,
the status bar, a parent widget…) in its constructor; the
:class:`~relstudio.gui.main_window.MainWindow` builds them and binds menu
actions and panel signals to their methods. None reads state from the window.

- :mod:`.playback`: segments, highlighted passages, seeking, the margin.
- :mod:`.review`: review marks (Y / X / Delete) and a segment's context menu.
- :mod:`.models`: model imports, the training wizards, model cards, viewpoints, warnings.
- :mod:`.files`: audio, sessions, recent files, exports, collection excerpts.
- :mod:`.selection`: the range selection: play, loop, zoom to, export, mark; Escape.
"""
