; VetDesk installer: per-user, 64-bit, Chinese and English pages.
;
; Shaped after ankitects/anki qt/bundle/win/anki.template.nsi (per-user install,
; manifest-driven removal) and NSIS's Examples/install-per-user.nsi.
;
;   python installer/make_manifest.py dist/vetdesk
;   makensis -V2 -WX -DVERSION=0.1.0 -DVERSION_4=0.1.0.0 -DSRCDIR="$PWD/dist/vetdesk" installer/vetdesk.nsi
;
; Defines (-D on the makensis command line):
;   VERSION      package version, e.g. 0.1.0 (required; vetdesk.__version__)
;   VERSION_4    numeric X.X.X.X for the version resource (default: VERSION.0)
;   SRCDIR       (absolute path) the PyInstaller one-folder output (dist/vetdesk); it must hold
;                install-manifest.txt written by installer/make_manifest.py
;   OUTFILE      (absolute path) installer (default: <repo>/dist/VetDesk-VERSION-setup.exe)
;   SIGN         sign uninstaller and installer with installer/sign.ps1 (Windows
;                makensis) or installer/sign.sh (POSIX makensis)
;   SIGN_CMD     or: any command taking the file to sign as its last argument
;   ALLOW_NON_WINDOWS_PAYLOAD  accept a SRCDIR without vetdesk.exe (Linux checks)
;
;   makensis changes into this folder (do not pass /NOCD): relative paths below are
;   relative to installer/, so give SRCDIR and OUTFILE as absolute paths.
;
; Command line of the result (NSIS docs, section 3.2):
;   setup.exe /S [/DESKTOPSHORTCUT] [/D=C:\path\without\quotes]   (/D= must be last)
;   uninstall.exe /S [/REMOVEDATA] [_?=C:\install\dir]             (_?= to wait for it)
; Exit codes: 0 done, 1 cancelled, 2 aborted, 5 VetDesk is running (nothing changed).

Unicode true
Target amd64-unicode
ManifestDPIAware true
ManifestSupportedOS Win10
RequestExecutionLevel user
SetCompressor /SOLID /FINAL lzma
SetCompressorDictSize 64

; ------------------------------------------------------------------ defines
; Compile-time paths: makensis on Linux does not translate "\" in every command (icons).
!ifdef NSIS_WIN32_MAKENSIS
  !define SEP "\"
!else
  !define SEP "/"
!endif
!ifndef VERSION
  !error "VERSION is not defined: pass -DVERSION=<vetdesk.__version__> (installer/make_version_info.py --print version)"
!endif
!ifndef VERSION_4
  !define VERSION_4 "${VERSION}.0"
!endif
!ifndef SRCDIR
  !error "SRCDIR is not defined: pass -DSRCDIR=<PyInstaller one-folder output, e.g. dist/vetdesk>"
!endif
!ifndef OUTFILE
  !define OUTFILE "..${SEP}dist${SEP}VetDesk-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..${SEP}resources${SEP}icons${SEP}vetdesk.ico"
!endif

!define APP_NAME "VetDesk"
!define APP_EXE "vetdesk.exe"
!define APP_DEBUG_EXE "vetdesk-debug.exe"
!define PUBLISHER "HaidongEdu"
!define UNINST_EXE "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\VetDesk"
; platformdirs.user_data_dir("VetDesk", "HaidongEdu", roaming=False): the user's database,
; logs and settings. Never removed unless the user ticks the opt-in box (or /REMOVEDATA).
!define DATA_PARENT "$LOCALAPPDATA\HaidongEdu"
!define DATA_DIR "${DATA_PARENT}\VetDesk"
; QSettings("HaidongEdu", "VetDesk") on Windows: user settings, treated as data as well.
!define SETTINGS_KEY "Software\HaidongEdu\VetDesk"
!define SETTINGS_PARENT_KEY "Software\HaidongEdu"
!define MANIFEST "install-manifest.txt"
; "Open with" VetDesk for .xlsx workbooks: a ProgID listed under .xlsx\OpenWithProgids adds
; VetDesk to Explorer's "Open with" menu without changing the default program for .xlsx.
!define PROGID "VetDesk.Workbook"
!define PROGID_KEY "Software\Classes\${PROGID}"
!define OPENWITH_KEY "Software\Classes\.xlsx\OpenWithProgids"
!define EXIT_APP_RUNNING 5

!if ! /FileExists "${SRCDIR}${SEP}${MANIFEST}"
  !error "${SRCDIR}\${MANIFEST} is missing: run python installer/make_manifest.py ${SRCDIR} first"
!endif
!if ! /FileExists "${SRCDIR}${SEP}${APP_EXE}"
  !ifdef ALLOW_NON_WINDOWS_PAYLOAD
    !echo "NOTE: ${SRCDIR} has no ${APP_EXE}: compiling a script check only, NOT a usable installer"
  !else
    !error "${SRCDIR}\${APP_EXE} is missing: SRCDIR must be a Windows PyInstaller build (-DALLOW_NON_WINDOWS_PAYLOAD for script checks)"
  !endif
!endif

; ------------------------------------------------------------- code signing
; !uninstfinalize signs the uninstaller before it is embedded (NSIS >= 3.08), !finalize
; signs the finished setup: one makensis run instead of Anki's two-pass WRITE_UNINSTALLER.
!ifdef SIGN
  !ifndef SIGN_CMD
    !ifdef NSIS_WIN32_MAKENSIS
      !define SIGN_CMD 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File ".\sign.ps1"'
    !else
      !define SIGN_CMD 'bash "./sign.sh"'
    !endif
  !endif
!endif
!ifdef SIGN_CMD
  !echo `Code signing: uninstaller and installer will be signed by: ${SIGN_CMD}`
  !uninstfinalize '${SIGN_CMD} "%1"' = 0
  !finalize '${SIGN_CMD} "%1"' = 0
!else
  ; !echo shows only at -V4; the echo command prints at any verbosity (cmd.exe and sh alike).
  !system 'echo Code signing: no certificate configured, -DSIGN not given: installer and uninstaller are NOT signed'
!endif

; ------------------------------------------------------------------ general
Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show
AllowSkipFiles off

VIProductVersion "${VERSION_4}"
VIFileVersion "${VERSION_4}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} ${VERSION} Setup"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "Copyright (C) ${PUBLISHER}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WinVer.nsh"

; ---------------------------------------------------------------- interface
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_UNABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
; Remember the language chosen in the language dialog for the uninstaller.
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "${UNINST_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default when the system language is neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

!include /CHARSET=UTF8 "vetdesk-lang.nsh"
!include "vetdesk-common.nsh"

!insertmacro VD_APP_RUNNING_FUNCTION ""
!insertmacro VD_APP_RUNNING_FUNCTION "un."
!insertmacro VD_REMOVE_MANIFEST_FUNCTION ""
!insertmacro VD_REMOVE_MANIFEST_FUNCTION "un."

; ---------------------------------------------------------------- installer

Section "$(VD_SEC_PROGRAM)" SecProgram
  SectionIn RO
  SetShellVarContext current

  ; An older VetDesk in another folder: let its own uninstaller remove its program
  ; files (silently, so it never removes data), then install here.
  ReadRegStr $0 HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $0 != ""
  ${AndIf} $0 != $INSTDIR
  ${AndIf} ${FileExists} "$0\${UNINST_EXE}"
    DetailPrint "$(VD_REMOVING_OLD) $0"
    ExecWait '"$0\${UNINST_EXE}" /S _?=$0' $1
    Delete "$0\${UNINST_EXE}"
    RMDir "$0"
  ${EndIf}

  ; Upgrade in place: remove the previous version's program files (listed in its
  ; manifest) so no stale module outlives it. The data directory is elsewhere.
  ${If} ${FileExists} "$INSTDIR\${MANIFEST}"
    DetailPrint "$(VD_REMOVING_OLD) $INSTDIR"
    Call VdRemoveManifestFiles
  ${EndIf}

  SetOutPath "$INSTDIR"
  SetOverwrite on
  File /r "${SRCDIR}${SEP}*.*"
  WriteUninstaller "$INSTDIR\${UNINST_EXE}"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 \
    SW_SHOWNORMAL "" "$(VD_SHORTCUT_DESC)"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINST_EXE}"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINST_EXE}" /S'
  WriteRegStr HKCU "${PROGID_KEY}" "" "${APP_NAME}"
  WriteRegStr HKCU "${PROGID_KEY}" "FriendlyTypeName" "${APP_NAME}"
  WriteRegStr HKCU "${PROGID_KEY}\DefaultIcon" "" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${PROGID_KEY}\shell\open\command" "" '"$INSTDIR\${APP_EXE}" "%1"'
  WriteRegStr HKCU "${OPENWITH_KEY}" "${PROGID}" ""
  ; SHCNE_ASSOCCHANGED: Explorer reads the association again without a restart.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
  DetailPrint "$(VD_DATA_KEPT) ${DATA_DIR}"
SectionEnd

Section /o "$(VD_SEC_DESKTOP)" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0 \
    SW_SHOWNORMAL "" "$(VD_SHORTCUT_DESC)"
SectionEnd

; After the sections: .onInit uses their index defines.
Function .onInit
  SetShellVarContext current
  !insertmacro MUI_LANGDLL_DISPLAY
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "$(VD_NEED_WIN10)" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  !insertmacro VD_REFUSE_WHILE_RUNNING "" "$(VD_APP_RUNNING_INSTALL)"
  ; /DESKTOPSHORTCUT selects the optional desktop shortcut (for silent installs).
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DESKTOPSHORTCUT" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecDesktop} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "$(VD_SEC_PROGRAM_DESC)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "$(VD_SEC_DESKTOP_DESC)"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; -------------------------------------------------------------- uninstaller

Section "un.$(VD_UNSEC_PROGRAM)" SecUnProgram
  SectionIn RO
  SetShellVarContext current
  Call un.VdRemoveManifestFiles
  Delete "$INSTDIR\${UNINST_EXE}"
  ; Only if empty: files the user put there stay, and so does the folder.
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegValue HKCU "${OPENWITH_KEY}" "${PROGID}"
  DeleteRegKey /ifempty HKCU "${OPENWITH_KEY}"
  DeleteRegKey HKCU "${PROGID_KEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DetailPrint "$(VD_DATA_KEPT) ${DATA_DIR}"
SectionEnd

Section /o "un.$(VD_UNSEC_DATA)" SecUnData
  SetShellVarContext current
  ${If} "$LOCALAPPDATA" == ""
    DetailPrint "LOCALAPPDATA is unknown: data not removed"
  ${Else}
    ; Asked once more in the GUI; in silent mode only /REMOVEDATA gets here.
    ${If} ${Cmd} `MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(VD_CONFIRM_REMOVE_DATA)" /SD IDYES IDYES`
      DetailPrint "$(VD_REMOVING_DATA) ${DATA_DIR}"
      RMDir /r "${DATA_DIR}"
      RMDir "${DATA_PARENT}"
      DeleteRegKey HKCU "${SETTINGS_KEY}"
      DeleteRegKey /ifempty HKCU "${SETTINGS_PARENT_KEY}"
    ${EndIf}
  ${EndIf}
SectionEnd

Function un.onInit
  SetShellVarContext current
  !insertmacro MUI_UNGETLANGUAGE
  ${IfNot} ${FileExists} "$INSTDIR\${MANIFEST}"
    MessageBox MB_OK|MB_ICONSTOP "$(VD_NOT_INSTALLED)" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  !insertmacro VD_REFUSE_WHILE_RUNNING "un." "$(VD_APP_RUNNING_UNINSTALL)"
  ; /REMOVEDATA is the command-line form of the opt-in box (never the default).
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecUnData} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnProgram} "$(VD_UNSEC_PROGRAM_DESC)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "$(VD_UNSEC_DATA_DESC)"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
