"""The parts of the main window beside its frame (:mod:`vetdesk.ui.mainwindow`), one job each.

``pages`` declares the pages, ``navigation`` holds them, ``menus`` lays out the action
registry, ``dialogs`` opens the dialogs, ``editing`` runs record forms and deletes,
``recovery`` restores backups and recovers a damaged database, ``refresh`` follows another
process's change to the database. (A package of its own, not
``mainwindow/``, so that importing the package imports no Qt: the no-Qt test walks
every package of ``vetdesk``.)
"""
