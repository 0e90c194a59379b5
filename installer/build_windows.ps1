<#
.SYNOPSIS
Build the VetDesk Windows release: tests, PyInstaller freeze, self-test of the frozen
exe, makensis, code signing. Or, with -TestInstaller, check a built setup.exe.

.DESCRIPTION
Run from any folder on a 64-bit Windows machine with Python 3.11 (in a virtual
environment: the script installs the hashed locks requirements\build.txt and, unless
-SkipTests, requirements\test.txt into it with pip --require-hashes) and, for the installer, an NSIS whose makensis
has the amd64-unicode stubs. The official NSIS download ships x86 stubs only; use
MSYS2's mingw-w64-x86_64-nsis, an NSIS built with TARGET_ARCH=amd64, or build the
installer on Linux from this freeze (installer/build_linux.sh --payload dist\vetdesk),
as .github/workflows/windows.yml does.

Signing happens when VETDESK_SIGN_PFX or VETDESK_SIGN_THUMBPRINT is set (see sign.ps1):
vetdesk.exe and vetdesk-debug.exe before packaging, then the uninstaller and the setup
from inside makensis (-DSIGN). Without a certificate every step says it did not sign.

Outputs: dist\vetdesk\ (one-folder build), dist\VetDesk-<version>-setup.exe.

.PARAMETER Python
The Python interpreter with the build dependencies (default: python).

.PARAMETER SkipTests
Do not run the pytest suite first.

.PARAMETER SkipInstall
Do not install the locked dependencies (the interpreter already has them).

.PARAMETER SkipInstaller
Stop after the freeze, its self-test and signing the executables.

.PARAMETER MakeNsis
Path of makensis.exe (default: PATH, then Program Files (x86)\NSIS, then MSYS2).

.PARAMETER TestInstaller
Path of a built setup.exe: install it silently for the current user, check files,
uninstall entry, Start-menu shortcut and the installed vetdesk-debug.exe --self-test,
uninstall it and check the data directory is kept. Changes this user's profile: for CI
runners and test machines.

.EXAMPLE
powershell -NoProfile -ExecutionPolicy Bypass -File installer\build_windows.ps1
#>
[CmdletBinding()]
param(
    [string]$Python = "python",
    [switch]$SkipTests,
    [switch]$SkipInstall,
    [switch]$SkipInstaller,
    [string]$MakeNsis = "",
    [string]$TestInstaller = ""
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Dist = Join-Path $Root "dist"
$Payload = Join-Path $Dist "vetdesk"

function Invoke-Native {
    # Run a native command and stop on a non-zero exit code.
    param([string]$What, [scriptblock]$Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE" }
}

function New-TempDir {
    $path = Join-Path ([System.IO.Path]::GetTempPath()) ("vetdesk-" + [guid]::NewGuid().ToString("N"))
    New-Item -ItemType Directory -Path $path | Out-Null
    return $path
}

function Invoke-FrozenChecks {
    # vetdesk-debug.exe --version and --self-test, in a throwaway data dir, no window.
    param([string]$Folder, [string]$Version)
    $debugExe = Join-Path $Folder "vetdesk-debug.exe"
    if (-not (Test-Path (Join-Path $Folder "vetdesk.exe"))) { throw "vetdesk.exe missing in $Folder" }
    if (-not (Test-Path $debugExe)) { throw "vetdesk-debug.exe missing in $Folder" }
    $dataDir = New-TempDir
    $env:VETDESK_DATA_DIR = $dataDir
    $env:QT_QPA_PLATFORM = "offscreen"
    # Windows PowerShell 5.1 turns a native command's stderr under 2>&1 into a
    # terminating error when ErrorActionPreference is Stop; exit codes are checked instead.
    $savedPreference = $ErrorActionPreference
    $ErrorActionPreference = "Continue"
    try {
        $versionOut = (& $debugExe --version 2>&1 | Out-String).Trim()
        if ($LASTEXITCODE -ne 0 -or -not $versionOut.Contains($Version)) {
            throw "vetdesk-debug.exe --version exited $LASTEXITCODE, printed: $versionOut (expected $Version)"
        }
        Write-Host "OK   vetdesk-debug.exe --version: $versionOut"
        $selfTestOut = (& $debugExe --self-test 2>&1 | Out-String).Trim()
        $selfTestCode = $LASTEXITCODE
        Write-Host $selfTestOut
        if ($selfTestCode -eq 0) {
            Write-Host "OK   vetdesk-debug.exe --self-test"
        } elseif ($selfTestOut -match "(unrecognized|unknown|no such|invalid).*self-test") {
            throw "SELF-TEST MISSING: vetdesk-debug.exe does not know --self-test yet"
        } else {
            throw "vetdesk-debug.exe --self-test exited $selfTestCode"
        }
    } finally {
        $ErrorActionPreference = $savedPreference
        Remove-Item Env:VETDESK_DATA_DIR, Env:QT_QPA_PLATFORM -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $dataDir -ErrorAction SilentlyContinue
    }
}

function Find-MakeNsis {
    if ($MakeNsis) { return $MakeNsis }
    $onPath = Get-Command makensis.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    foreach ($candidate in @(
            (Join-Path ${env:ProgramFiles(x86)} "NSIS\makensis.exe"),
            (Join-Path $env:ProgramFiles "NSIS\makensis.exe"),
            "C:\msys64\mingw64\bin\makensis.exe")) {
        if ($candidate -and (Test-Path $candidate)) { return $candidate }
    }
    throw "makensis.exe not found: install NSIS or pass -MakeNsis"
}

function Assert-Amd64Stubs {
    # The official NSIS build has no amd64-unicode stubs: fail early and say what to do.
    param([string]$Exe)
    $probeDir = New-TempDir
    try {
        $probe = Join-Path $probeDir "probe.nsi"
        Set-Content -Path $probe -Encoding ASCII -Value @(
            "Target amd64-unicode", "OutFile probe.exe", "RequestExecutionLevel user", "Section", "SectionEnd")
        & $Exe -V1 $probe | Out-Null
        if ($LASTEXITCODE -ne 0) {
            throw ("$Exe cannot build amd64-unicode installers (no amd64 stubs; the official NSIS " +
                "download is x86-only). Use MSYS2's mingw-w64-x86_64-nsis or build the installer on " +
                "Linux: installer/build_linux.sh --payload dist/vetdesk")
        }
    } finally {
        Remove-Item -Recurse -Force $probeDir -ErrorAction SilentlyContinue
    }
}

function Test-SigningConfigured {
    return [bool]($env:VETDESK_SIGN_PFX -or $env:VETDESK_SIGN_THUMBPRINT)
}

function Invoke-InstallerTest {
    # Silent install, checks, silent uninstall, data kept: on this machine, this user.
    param([string]$Setup, [string]$Version)
    $failures = New-Object System.Collections.Generic.List[string]
    function Check([string]$What, [bool]$Ok) {
        if ($Ok) { Write-Host "  ok   $What" } else { Write-Host "  FAIL $What"; $failures.Add($What) }
    }
    $instDir = Join-Path $env:LOCALAPPDATA "Programs\VetDesk"
    $uninstKey = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\VetDesk"
    $startMenuLnk = Join-Path $env:APPDATA "Microsoft\Windows\Start Menu\Programs\VetDesk.lnk"
    $dataDir = Join-Path $env:LOCALAPPDATA "HaidongEdu\VetDesk"
    $marker = Join-Path $dataDir "installer-test-marker.txt"

    $timer = [System.Diagnostics.Stopwatch]::StartNew()
    $p = Start-Process -FilePath $Setup -ArgumentList "/S" -Wait -PassThru
    Write-Host ("install: exit {0} in {1:N1} s" -f $p.ExitCode, $timer.Elapsed.TotalSeconds)
    Check "setup /S exit code 0" ($p.ExitCode -eq 0)
    Check "vetdesk.exe installed" (Test-Path (Join-Path $instDir "vetdesk.exe"))
    Check "Start-menu shortcut" (Test-Path $startMenuLnk)
    $entry = Get-ItemProperty -Path $uninstKey -ErrorAction SilentlyContinue
    Check "uninstall entry" ($null -ne $entry)
    if ($entry) {
        Check "DisplayVersion $Version" ($entry.DisplayVersion -eq $Version)
        Check "Publisher HaidongEdu" ($entry.Publisher -eq "HaidongEdu")
        Check "EstimatedSize set" ($entry.EstimatedSize -gt 0)
        Write-Host ("  installed size (EstimatedSize): {0:N1} MiB" -f ($entry.EstimatedSize / 1024))
    }
    Invoke-FrozenChecks -Folder $instDir -Version $Version

    New-Item -ItemType Directory -Force -Path $dataDir | Out-Null
    Set-Content -Path $marker -Value "planted by build_windows.ps1 -TestInstaller"

    # Refusal while VetDesk runs: the GUI stays up long enough when it works.
    $app = Start-Process -FilePath (Join-Path $instDir "vetdesk.exe") -PassThru
    Start-Sleep -Seconds 5
    if ($app.HasExited) {
        Write-Host "  note VetDesk exited by itself (code $($app.ExitCode)); refusal check skipped"
    } else {
        $p = Start-Process -FilePath $Setup -ArgumentList "/S" -Wait -PassThru
        Check "setup refuses while VetDesk runs (exit 5)" ($p.ExitCode -eq 5)
        Stop-Process -Id $app.Id -Force
        Start-Sleep -Seconds 2
    }

    $timer.Restart()
    $p = Start-Process -FilePath (Join-Path $instDir "uninstall.exe") -ArgumentList "/S", "_?=$instDir" -Wait -PassThru
    Write-Host ("uninstall: exit {0} in {1:N1} s" -f $p.ExitCode, $timer.Elapsed.TotalSeconds)
    Check "uninstall /S exit code 0" ($p.ExitCode -eq 0)
    Check "vetdesk.exe removed" (-not (Test-Path (Join-Path $instDir "vetdesk.exe")))
    Check "_internal removed" (-not (Test-Path (Join-Path $instDir "_internal")))
    Check "Start-menu shortcut removed" (-not (Test-Path $startMenuLnk))
    Check "uninstall entry removed" (-not (Test-Path $uninstKey))
    Check "data directory kept" (Test-Path $marker)
    # With _?= the uninstaller cannot delete itself; the caller does.
    Remove-Item -Force (Join-Path $instDir "uninstall.exe") -ErrorAction SilentlyContinue
    Remove-Item -Force $instDir -ErrorAction SilentlyContinue
    Remove-Item -Force $marker -ErrorAction SilentlyContinue
    if ($failures.Count -gt 0) { throw "installer test: $($failures.Count) check(s) failed" }
    Write-Host "INSTALLER TEST PASSED"
}

$Version = (& $Python installer/make_version_info.py --print version).Trim()
$Version4 = (& $Python installer/make_version_info.py --print version4).Trim()
Write-Host "VetDesk $Version ($Version4)"

if ($TestInstaller) {
    Invoke-InstallerTest -Setup (Resolve-Path $TestInstaller).Path -Version $Version
    exit 0
}

if (-not $SkipInstall) {
    Write-Host "== dependencies (hashed locks)"
    $locks = @("-r", "requirements\build.txt")
    if (-not $SkipTests) { $locks += @("-r", "requirements\test.txt") }
    Invoke-Native "pip install (locks)" { & $Python -m pip install --quiet --require-hashes @locks }
    # VetDesk itself, built with the locked setuptools: no unhashed build requirement is fetched.
    Invoke-Native "pip install vetdesk" {
        & $Python -m pip install --quiet --no-deps --no-build-isolation -e .
    }
}

if (-not $SkipTests) {
    Write-Host "== tests"
    Invoke-Native "pytest" { & $Python -m pytest -q }
}

Write-Host "== freeze"
$timer = [System.Diagnostics.Stopwatch]::StartNew()
Invoke-Native "PyInstaller" {
    & $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath $Dist `
        --workpath (Join-Path $Root "build\pyinstaller") installer\vetdesk.spec
}
$size = (Get-ChildItem -Recurse -File $Payload | Measure-Object -Property Length -Sum).Sum
Write-Host ("freeze: {0:N0} s, {1:N1} MiB" -f $timer.Elapsed.TotalSeconds, ($size / 1MB))
$productVersion = (Get-Item (Join-Path $Payload "vetdesk.exe")).VersionInfo.ProductVersion
if ($productVersion -ne $Version) { throw "vetdesk.exe version resource says '$productVersion', expected $Version" }

Write-Host "== self-test of the frozen exe"
Invoke-FrozenChecks -Folder $Payload -Version $Version

Write-Host "== sign executables"
Invoke-Native "sign.ps1" {
    & powershell.exe -NoProfile -ExecutionPolicy Bypass -File (Join-Path $PSScriptRoot "sign.ps1") `
        (Join-Path $Payload "vetdesk.exe") (Join-Path $Payload "vetdesk-debug.exe")
}

Invoke-Native "make_manifest.py" { & $Python installer/make_manifest.py $Payload }
if ($SkipInstaller) {
    Write-Host "Installer skipped (-SkipInstaller): $Payload is ready for makensis"
    exit 0
}

Write-Host "== makensis"
$makensisExe = Find-MakeNsis
Assert-Amd64Stubs -Exe $makensisExe
$outFile = Join-Path $Dist "VetDesk-$Version-setup.exe"
$defines = @("-DVERSION=$Version", "-DVERSION_4=$Version4", "-DSRCDIR=$Payload", "-DOUTFILE=$outFile")
if (Test-SigningConfigured) { $defines += "-DSIGN" }
$timer.Restart()
Invoke-Native "makensis" { & $makensisExe -V2 -WX @defines (Join-Path $PSScriptRoot "vetdesk.nsi") }
$setupSize = (Get-Item $outFile).Length
Write-Host ("installer: {0} ({1:N1} MiB) in {2:N0} s" -f $outFile, ($setupSize / 1MB), $timer.Elapsed.TotalSeconds)
if ($setupSize -gt 90000000) { Write-Warning "installer is over the 90 MB budget" }
