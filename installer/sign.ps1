<#
.SYNOPSIS
Authenticode-sign Windows executables in place with signtool (SHA-256 file digest,
RFC 3161 SHA-256 timestamp) when a certificate is configured; otherwise say so.

.DESCRIPTION
Called by installer/build_windows.ps1 for vetdesk.exe and vetdesk-debug.exe, and by
makensis (!uninstfinalize / !finalize in vetdesk.nsi, with -DSIGN) for the uninstaller
and the setup. Configuration, from the environment:
  VETDESK_SIGN_PFX            PFX file with the certificate and private key, or
  VETDESK_SIGN_THUMBPRINT     SHA-1 thumbprint of a certificate in the user's store
  VETDESK_SIGN_PASSWORD       PFX password (optional)
  VETDESK_SIGN_TIMESTAMP_URL  RFC 3161 server (default http://timestamp.digicert.com;
                              "none" skips the timestamp, for tests only)
Exit status 0 when signed or when no certificate is configured, 1 on a signing error.

.EXAMPLE
powershell -NoProfile -ExecutionPolicy Bypass -File installer\sign.ps1 dist\vetdesk\vetdesk.exe
#>
param(
    [Parameter(Mandatory = $true, ValueFromRemainingArguments = $true)]
    [string[]]$Files
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$pfx = $env:VETDESK_SIGN_PFX
$thumbprint = $env:VETDESK_SIGN_THUMBPRINT
if (-not $pfx -and -not $thumbprint) {
    Write-Host ("Code signing: no certificate configured (VETDESK_SIGN_PFX / VETDESK_SIGN_THUMBPRINT unset); NOT signed: " + ($Files -join ", "))
    exit 0
}

function Find-SignTool {
    $onPath = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    $kits = Join-Path ${env:ProgramFiles(x86)} "Windows Kits\10\bin"
    $found = Get-ChildItem -Path $kits -Filter signtool.exe -Recurse -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match "\\x64\\" } |
        Sort-Object FullName -Descending |
        Select-Object -First 1
    if ($found) { return $found.FullName }
    throw "Code signing: signtool.exe not found (install the Windows SDK signing tools)"
}

$signtool = Find-SignTool
$timestampUrl = $env:VETDESK_SIGN_TIMESTAMP_URL
if (-not $timestampUrl) { $timestampUrl = "http://timestamp.digicert.com" }

foreach ($file in $Files) {
    $signArgs = @("sign", "/fd", "SHA256", "/d", "VetDesk")
    if ($timestampUrl -ne "none") { $signArgs += @("/tr", $timestampUrl, "/td", "SHA256") }
    if ($pfx) {
        $signArgs += @("/f", $pfx)
        if ($env:VETDESK_SIGN_PASSWORD) { $signArgs += @("/p", $env:VETDESK_SIGN_PASSWORD) }
    } else {
        $signArgs += @("/sha1", $thumbprint)
    }
    & $signtool @signArgs $file
    if ($LASTEXITCODE -ne 0) {
        Write-Error "Code signing: signtool failed ($LASTEXITCODE) for $file"
        exit 1
    }
    Write-Host "Code signing: signed $file"
}
exit 0
