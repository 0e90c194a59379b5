; Functions shared by the VetDesk installer and uninstaller (inserted once for each,
; with prefix "" and "un."). Needs LogicLib.nsh.

; PROCESSENTRY32W (tlhelp32.h): dwSize, cntUsage, th32ProcessID, [pad], th32DefaultHeapID
; (ULONG_PTR), th32ModuleID, cntThreads, th32ParentProcessID, pcPriClassBase, dwFlags,
; szExeFile[MAX_PATH]. Offsets spelled out because System::Call does not align structs.
!if ${NSIS_PTR_SIZE} > 4
  !define VD_PE32_SIZE 568
  !define VD_PE32_NAME_OFFSET 44
!else
  !define VD_PE32_SIZE 556
  !define VD_PE32_NAME_OFFSET 36
!endif

; ${prefix}VdAppRunning: $0 = 1 if vetdesk.exe or vetdesk-debug.exe runs, else 0.
; A Toolhelp snapshot through the System plugin: no third-party plugin (nsProcess, as
; Anki uses) is needed, so Debian's makensis and the official one both build this.
!macro VD_APP_RUNNING_FUNCTION prefix
Function ${prefix}VdAppRunning
  Push $1
  Push $2
  Push $3
  Push $4
  StrCpy $0 0
  System::Call 'kernel32::CreateToolhelp32Snapshot(i 2, i 0) p .r1'  ; TH32CS_SNAPPROCESS
  ${If} $1 P<> -1  ; INVALID_HANDLE_VALUE
    System::Alloc ${VD_PE32_SIZE}
    Pop $2
    System::Call '*$2(i ${VD_PE32_SIZE})'
    System::Call 'kernel32::Process32FirstW(p r1, p r2) i .r3'
    ${DoWhile} $3 <> 0
      IntPtrOp $4 $2 + ${VD_PE32_NAME_OFFSET}
      System::Call '*$4(&w260 .r4)'
      ${If} $4 == "${APP_EXE}"
      ${OrIf} $4 == "${APP_DEBUG_EXE}"
        StrCpy $0 1
        ${Break}
      ${EndIf}
      System::Call 'kernel32::Process32NextW(p r1, p r2) i .r3'
    ${Loop}
    System::Free $2
    System::Call 'kernel32::CloseHandle(p r1)'
  ${EndIf}
  Pop $4
  Pop $3
  Pop $2
  Pop $1
FunctionEnd
!macroend

; Ask to close VetDesk (Retry/Cancel); in silent mode, or on Cancel, quit with
; EXIT_APP_RUNNING before anything was changed.
!macro VD_REFUSE_WHILE_RUNNING prefix message
  ${Do}
    Call ${prefix}VdAppRunning
    ${If} $0 = 0
      ${Break}
    ${EndIf}
    ${IfNot} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${message}" /SD IDCANCEL IDRETRY`
      SetErrorLevel ${EXIT_APP_RUNNING}
      Quit
    ${EndIf}
  ${Loop}
!macroend

; ${prefix}VdRemoveManifestFiles: delete the program files listed in
; $INSTDIR\install-manifest.txt (UTF-16LE lines "F <relative file>" and, deepest first,
; "D <relative folder>"; written by installer/make_manifest.py), then the manifest.
; Folders are removed only when empty, so nothing the user added is deleted.
!macro VD_REMOVE_MANIFEST_FUNCTION prefix
Function ${prefix}VdRemoveManifestFiles
  Push $0
  Push $1
  Push $2
  Push $3
  ClearErrors
  FileOpen $0 "$INSTDIR\${MANIFEST}" r
  ${If} ${Errors}
    DetailPrint "No ${MANIFEST} in $INSTDIR: no program files removed"
  ${Else}
    ${Do}
      ClearErrors
      FileReadUTF16LE $0 $1
      ${If} ${Errors}
        ${Break}
      ${EndIf}
      ; Drop the line break (CR LF) and a byte-order mark, if any.
      ${Do}
        StrCpy $2 $1 1 -1
        ${If} $2 == "$\n"
        ${OrIf} $2 == "$\r"
          StrCpy $1 $1 -1
        ${Else}
          ${Break}
        ${EndIf}
      ${Loop}
      StrCpy $2 $1 1
      ${If} $2 == "${U+FEFF}"
        StrCpy $1 $1 "" 1
      ${EndIf}
      StrCpy $2 $1 2
      StrCpy $3 $1 "" 2
      ${If} $3 == ""
        ${Continue}
      ${EndIf}
      ${If} $2 == "F "
        Delete "$INSTDIR\$3"
      ${ElseIf} $2 == "D "
        RMDir "$INSTDIR\$3"
      ${EndIf}
    ${Loop}
    FileClose $0
    Delete "$INSTDIR\${MANIFEST}"
  ${EndIf}
  Pop $3
  Pop $2
  Pop $1
  Pop $0
FunctionEnd
!macroend
