; Installer and uninstaller texts, Simplified Chinese and English. UTF-8, included
; with !include /CHARSET=UTF8 so no byte-order mark is needed.

; The language dialog comes before a language is chosen: bilingual.
!define MUI_LANGDLL_WINDOWTITLE "VetDesk"
!define MUI_LANGDLL_INFO "请选择安装程序的语言。$\r$\nPlease select the installer language."

LangString VD_NEED_WIN10 ${LANG_SIMPCHINESE} "VetDesk 需要 64 位 Windows 10 或更高版本。"
LangString VD_NEED_WIN10 ${LANG_ENGLISH} "VetDesk needs 64-bit Windows 10 or later."

LangString VD_APP_RUNNING_INSTALL ${LANG_SIMPCHINESE} "VetDesk 正在运行。$\r$\n$\r$\n请先关闭 VetDesk，然后点击“重试”；点击“取消”退出安装。"
LangString VD_APP_RUNNING_INSTALL ${LANG_ENGLISH} "VetDesk is running.$\r$\n$\r$\nClose VetDesk, then click Retry; click Cancel to quit Setup."
LangString VD_APP_RUNNING_UNINSTALL ${LANG_SIMPCHINESE} "VetDesk 正在运行。$\r$\n$\r$\n请先关闭 VetDesk，然后点击“重试”；点击“取消”退出卸载。"
LangString VD_APP_RUNNING_UNINSTALL ${LANG_ENGLISH} "VetDesk is running.$\r$\n$\r$\nClose VetDesk, then click Retry; click Cancel to quit the uninstaller."

LangString VD_SEC_PROGRAM ${LANG_SIMPCHINESE} "VetDesk 程序"
LangString VD_SEC_PROGRAM ${LANG_ENGLISH} "VetDesk program"
LangString VD_SEC_PROGRAM_DESC ${LANG_SIMPCHINESE} "程序文件和开始菜单快捷方式（必需）。"
LangString VD_SEC_PROGRAM_DESC ${LANG_ENGLISH} "Program files and the Start menu shortcut (required)."
LangString VD_SEC_DESKTOP ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString VD_SEC_DESKTOP ${LANG_ENGLISH} "Desktop shortcut"
LangString VD_SEC_DESKTOP_DESC ${LANG_SIMPCHINESE} "在桌面上放置 VetDesk 快捷方式。"
LangString VD_SEC_DESKTOP_DESC ${LANG_ENGLISH} "Put a VetDesk shortcut on the desktop."
LangString VD_SHORTCUT_DESC ${LANG_SIMPCHINESE} "VetDesk 职业教育数据工作台"
LangString VD_SHORTCUT_DESC ${LANG_ENGLISH} "VetDesk vocational-education data desk"

LangString VD_REMOVING_OLD ${LANG_SIMPCHINESE} "正在删除旧版本的程序文件："
LangString VD_REMOVING_OLD ${LANG_ENGLISH} "Removing the previous version's program files:"
LangString VD_DATA_KEPT ${LANG_SIMPCHINESE} "您的数据保留在："
LangString VD_DATA_KEPT ${LANG_ENGLISH} "Your data stays in:"

LangString VD_NOT_INSTALLED ${LANG_SIMPCHINESE} "此文件夹中没有 VetDesk 的安装清单（install-manifest.txt），卸载程序不会删除任何文件。"
LangString VD_NOT_INSTALLED ${LANG_ENGLISH} "This folder has no VetDesk install manifest (install-manifest.txt); the uninstaller will not delete anything."
LangString VD_UNSEC_PROGRAM ${LANG_SIMPCHINESE} "VetDesk 程序文件"
LangString VD_UNSEC_PROGRAM ${LANG_ENGLISH} "VetDesk program files"
LangString VD_UNSEC_PROGRAM_DESC ${LANG_SIMPCHINESE} "删除程序文件、快捷方式和卸载信息。您的数据（数据库、日志、设置）会保留。"
LangString VD_UNSEC_PROGRAM_DESC ${LANG_ENGLISH} "Removes the program files, shortcuts and uninstall entry. Your data (database, logs, settings) is kept."
LangString VD_UNSEC_DATA ${LANG_SIMPCHINESE} "同时删除我的数据"
LangString VD_UNSEC_DATA ${LANG_ENGLISH} "Also remove my data"
LangString VD_UNSEC_DATA_DESC ${LANG_SIMPCHINESE} "永久删除 $LOCALAPPDATA\HaidongEdu\VetDesk 中的数据库、日志和设置。此操作无法撤销。"
LangString VD_UNSEC_DATA_DESC ${LANG_ENGLISH} "Permanently deletes the database, logs and settings in $LOCALAPPDATA\HaidongEdu\VetDesk. This cannot be undone."
LangString VD_CONFIRM_REMOVE_DATA ${LANG_SIMPCHINESE} "确定要永久删除 VetDesk 的全部数据吗？$\r$\n$\r$\n$LOCALAPPDATA\HaidongEdu\VetDesk$\r$\n$\r$\n此操作无法撤销。"
LangString VD_CONFIRM_REMOVE_DATA ${LANG_ENGLISH} "Permanently delete all VetDesk data?$\r$\n$\r$\n$LOCALAPPDATA\HaidongEdu\VetDesk$\r$\n$\r$\nThis cannot be undone."
LangString VD_REMOVING_DATA ${LANG_SIMPCHINESE} "正在删除数据："
LangString VD_REMOVING_DATA ${LANG_ENGLISH} "Removing data:"
